import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { DURATION_BUCKETS, TTFT_BUCKETS } from "./latency-buckets";
import { ATTEMPT_OUTCOMES, UNKNOWN_MODEL, type AttemptOutcome, type Endpoint } from "./metric-labels";
import { registerPoolGauges, type PoolGaugeSource } from "./pool-gauges";
import type { RequestSeries } from "./request-series";

export interface ProxyMetricsOptions {
  /** Configured model names ([MODELS]): the only values the `model` label takes. */
  models: Iterable<string>;
  /** Account ids: the only values the `account` label takes. */
  accounts: Iterable<string>;
  /** Read by the gauges at scrape time. */
  pool?: PoolGaugeSource;
  /** Also feed the dashboard's recent history. */
  series?: RequestSeries;
  /** Node's process metrics (CPU, memory, event loop lag, GC). Default true. */
  processMetrics?: boolean;
}

interface CounterChild {
  inc(value?: number): void;
}
interface HistogramChild {
  observe(value: number): void;
}

/** GET /metrics's body and content type. */
export interface MetricsPayload {
  body: string;
  contentType: string;
}

/**
 * The proxy's Prometheus metrics. Hot-path calls go through {@link RouteMetrics} objects
 * resolved once per (endpoint, model) and cached, whose label children are resolved on
 * first use: recording a request is a few increments, with no label objects built per
 * request. Gauges read the pool when scraped.
 *
 * @example
 *   const metrics = new ProxyMetrics({ models: config.models.keys(), accounts: ids, pool });
 *   const route = metrics.route("/v1/chat/completions", request.model);   // once the model is known
 *   route.finished(200, elapsedMs);
 *   const { body, contentType } = await metrics.render();
 */
export class ProxyMetrics {
  readonly registry = new Registry();
  readonly series: RequestSeries | undefined;
  private readonly models: Set<string>;
  private readonly requests: Counter<"endpoint" | "model" | "status">;
  private readonly duration: Histogram<"endpoint" | "model">;
  private readonly ttft: Histogram<"endpoint" | "model">;
  private readonly tokenCounter: Counter<"model" | "account" | "kind">;
  /** endpoint → model label → recorder: two lookups, no key string built per request. */
  private readonly routes = new Map<Endpoint, Map<string, RouteMetrics>>();
  private readonly attempts = new Map<string, Record<AttemptOutcome, CounterChild>>();

  constructor(options: ProxyMetricsOptions) {
    this.models = new Set(options.models);
    this.series = options.series;
    const registers = [this.registry];
    this.requests = new Counter({
      name: "ociai_requests_total",
      help: "Requests answered, by API endpoint, configured model name and HTTP status.",
      labelNames: ["endpoint", "model", "status"],
      registers,
    });
    this.duration = new Histogram({
      name: "ociai_request_duration_seconds",
      help: "Time from receiving a request to the end of its answer (the last byte of a stream).",
      labelNames: ["endpoint", "model"],
      buckets: DURATION_BUCKETS,
      registers,
    });
    this.ttft = new Histogram({
      name: "ociai_time_to_first_token_seconds",
      help: "Streams: time from receiving the request to the first generated token sent to the client.",
      labelNames: ["endpoint", "model"],
      buckets: TTFT_BUCKETS,
      registers,
    });
    this.tokenCounter = new Counter({
      name: "ociai_tokens_total",
      help: "Tokens OCI reported, by model, account and kind (prompt or completion).",
      labelNames: ["model", "account", "kind"],
      registers,
    });
    const attempts = new Counter({
      name: "ociai_upstream_attempts_total",
      help: "Calls to OCI by account and outcome (ok, rate_limited, error, timeout, auth, cancelled, client_error).",
      labelNames: ["account", "outcome"],
      registers,
    });
    for (const account of options.accounts) {
      const children = {} as Record<AttemptOutcome, CounterChild>;
      for (const outcome of ATTEMPT_OUTCOMES) {
        children[outcome] = attempts.labels(account, outcome);
        // Exported as 0 from the start, so rate() and increase() see the first attempt.
        children[outcome].inc(0);
      }
      this.attempts.set(account, children);
    }
    if (options.pool) registerPoolGauges(this.registry, options.pool);
    if (options.processMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * The recorder for requests on `endpoint` for `model`. A name outside [MODELS] (client
   * text) is recorded under the empty model label, so it cannot create series.
   */
  route(endpoint: Endpoint, model: string | undefined): RouteMetrics {
    const label = model !== undefined && this.models.has(model) ? model : UNKNOWN_MODEL;
    let byModel = this.routes.get(endpoint);
    if (!byModel) {
      byModel = new Map();
      this.routes.set(endpoint, byModel);
    }
    let route = byModel.get(label);
    if (!route) {
      route = new RouteMetrics(this, endpoint, label);
      byModel.set(label, route);
    }
    return route;
  }

  /** One upstream attempt ended (called by the pool for every attempt, retries included). */
  attempt(account: string, outcome: AttemptOutcome): void {
    this.attempts.get(account)?.[outcome].inc();
  }

  /** The Prometheus text exposition of every family. */
  async render(): Promise<MetricsPayload> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }

  /** @internal label children for one route. */
  children(endpoint: Endpoint, model: string) {
    return {
      duration: this.duration.labels(endpoint, model) as HistogramChild,
      ttft: this.ttft.labels(endpoint, model) as HistogramChild,
      status: (status: number) => this.requests.labels(endpoint, model, String(status)) as CounterChild,
      tokens: (account: string) => ({
        prompt: this.tokenCounter.labels(model, account, "prompt") as CounterChild,
        completion: this.tokenCounter.labels(model, account, "completion") as CounterChild,
      }),
    };
  }
}

/**
 * Records the requests of one (endpoint, model). Obtained from {@link ProxyMetrics.route};
 * keeps its label children, so calls cost a lookup and an increment.
 */
export class RouteMetrics {
  private readonly children: ReturnType<ProxyMetrics["children"]>;
  private readonly byStatus = new Map<number, CounterChild>();
  private readonly byAccount = new Map<string, { prompt: CounterChild; completion: CounterChild }>();
  private readonly series: RequestSeries | undefined;
  private readonly seriesModel: number;

  constructor(
    metrics: ProxyMetrics,
    readonly endpoint: Endpoint,
    readonly model: string,
  ) {
    this.children = metrics.children(endpoint, model);
    this.series = metrics.series;
    this.seriesModel = this.series?.modelIndex(model) ?? -1;
  }

  /** The answer is complete (for a stream: its last byte), with this status. */
  finished(status: number, durationMs: number): void {
    let counter = this.byStatus.get(status);
    if (!counter) {
      counter = this.children.status(status);
      this.byStatus.set(status, counter);
    }
    counter.inc();
    this.children.duration.observe(durationMs / 1000);
    this.series?.request(durationMs, status === 429 || status >= 500);
  }

  /** A stream's first generated token reached the client, `ms` after the request arrived. */
  firstToken(ms: number): void {
    this.children.ttft.observe(ms / 1000);
    this.series?.firstToken(ms);
  }

  /** Usage OCI reported for this request, served by `account`. */
  tokens(account: string, prompt: number, completion: number): void {
    let counters = this.byAccount.get(account);
    if (!counters) {
      counters = this.children.tokens(account);
      this.byAccount.set(account, counters);
    }
    if (prompt > 0) counters.prompt.inc(prompt);
    if (completion > 0) counters.completion.inc(completion);
    this.series?.tokens(this.seriesModel, prompt, completion);
  }
}
