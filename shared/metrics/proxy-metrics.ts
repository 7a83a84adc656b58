import type { Registry } from "prom-client";
import { HistogramCounts, registerFamily, type Sample } from "./exposition";
import { DURATION_BUCKETS, TTFT_BUCKETS } from "./latency-buckets";
import { ATTEMPT_OUTCOMES, NO_KEY_LABEL, UNKNOWN_MODEL, type AttemptOutcome, type Endpoint } from "./metric-labels";
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
  /** Node's process metrics (CPU, memory, event loop lag, GC), from the first scrape on. Default true. */
  processMetrics?: boolean;
}

/** GET /metrics's body and content type. */
export interface MetricsPayload {
  body: string;
  contentType: string;
}

/** [prompt, completion] tokens per account, for one (model, key). */
type TokensByAccount = Map<string, Float64Array>;

/**
 * The proxy's Prometheus metrics. Requests are recorded in plain numbers through
 * {@link RouteMetrics} objects resolved once per (endpoint, model, key) and cached: a few
 * increments, no label objects, no allocation. prom-client is loaded at the first scrape
 * (never, on a function that is not scraped), where these numbers and the pool's gauges
 * become its families.
 *
 * The `key` label (who called: a team key's id, `admin`, or "" before a key was known) is
 * on the counters (`ociai_requests_total`, `ociai_tokens_total`), not on the histograms:
 * per-key buckets would multiply their series by the keys for little an operator reads.
 *
 * @example
 *   const metrics = new ProxyMetrics({ models: config.models.keys(), accounts: ids, pool });
 *   const route = metrics.route("/v1/chat/completions", request.model, "key_5f0c2a9e13b7d480");
 *   route.finished(200, elapsedMs);
 *   const { body, contentType } = await metrics.render();
 */
export class ProxyMetrics {
  readonly series: RequestSeries | undefined;
  private readonly models: Set<string>;
  /** endpoint → model label → its histograms and per-key recorders: three lookups, no key string built per request. */
  private readonly routes = new Map<Endpoint, Map<string, RouteGroup>>();
  /** model → key → account → tokens. */
  private readonly tokensByModel = new Map<string, Map<string, TokensByAccount>>();
  /** account → count per ATTEMPT_OUTCOMES index. */
  private readonly attempts = new Map<string, Float64Array>();
  private registry: Promise<Registry> | undefined;

  constructor(private readonly options: ProxyMetricsOptions) {
    this.models = new Set(options.models);
    this.series = options.series;
    // Exported as 0 from the start, so rate() and increase() see the first attempt.
    for (const account of options.accounts) this.attempts.set(account, new Float64Array(ATTEMPT_OUTCOMES.length));
  }

  /**
   * The recorder for requests on `endpoint` for `model` by `key`. A name outside [MODELS]
   * (client text) is recorded under the empty model label, so it cannot create series;
   * `key` must be a registry key id, ADMIN_KEY_LABEL or NO_KEY_LABEL (the caller's
   * authentication vouches for it, never the client's text).
   */
  route(endpoint: Endpoint, model: string | undefined, key: string = NO_KEY_LABEL): RouteMetrics {
    const label = model !== undefined && this.models.has(model) ? model : UNKNOWN_MODEL;
    let byModel = this.routes.get(endpoint);
    if (!byModel) {
      byModel = new Map();
      this.routes.set(endpoint, byModel);
    }
    let group = byModel.get(label);
    if (!group) {
      group = new RouteGroup(endpoint, label, this.series);
      byModel.set(label, group);
    }
    return group.byKey.get(key) ?? this.addRoute(group, key);
  }

  /** One upstream attempt ended (called by the pool for every attempt, retries included). */
  attempt(account: string, outcome: AttemptOutcome): void {
    const counts = this.attempts.get(account);
    if (counts) counts[ATTEMPT_OUTCOME_INDEX[outcome]]++;
  }

  /** The Prometheus text exposition of every family. */
  async render(): Promise<MetricsPayload> {
    const registry = await (this.registry ??= this.createRegistry());
    return { body: await registry.metrics(), contentType: registry.contentType };
  }

  private addRoute(group: RouteGroup, key: string): RouteMetrics {
    let byKey = this.tokensByModel.get(group.model);
    if (!byKey) {
      byKey = new Map();
      this.tokensByModel.set(group.model, byKey);
    }
    let tokens = byKey.get(key);
    if (!tokens) {
      tokens = new Map();
      byKey.set(key, tokens);
    }
    const route = new RouteMetrics(group, key, tokens, this.series);
    group.byKey.set(key, route);
    return route;
  }

  private async createRegistry(): Promise<Registry> {
    const prom = await import("prom-client");
    const registry = new prom.Registry();
    const groups = () => [...this.routes.values()].flatMap((byModel) => [...byModel.values()]);
    registerFamily(registry, "ociai_requests_total", "Requests answered, by API endpoint, configured model name, HTTP status and caller key id (admin: the admin key).", "counter", () =>
      groups().flatMap((g) => [...g.byKey.values()].flatMap((r) => r.statusSamples())),
    );
    registerFamily(registry, "ociai_request_duration_seconds", "Time from receiving a request to the end of its answer (the last byte of a stream).", "histogram", () =>
      groups().flatMap((g) => g.duration.samples("ociai_request_duration_seconds", g.labels)),
    );
    registerFamily(registry, "ociai_time_to_first_token_seconds", "Streams: time from receiving the request to the first generated token sent to the client.", "histogram", () =>
      groups()
        .filter((g) => g.ttft.observations > 0)
        .flatMap((g) => g.ttft.samples("ociai_time_to_first_token_seconds", g.labels)),
    );
    registerFamily(registry, "ociai_tokens_total", "Tokens OCI reported, by model, account, kind (prompt or completion) and caller key id (admin: the admin key).", "counter", () => {
      const samples: Sample[] = [];
      for (const [model, byKey] of this.tokensByModel) {
        for (const [key, byAccount] of byKey) {
          for (const [account, [prompt, completion]] of byAccount) {
            samples.push({ labels: { model, account, kind: "prompt", key }, value: prompt }, { labels: { model, account, kind: "completion", key }, value: completion });
          }
        }
      }
      return samples;
    });
    registerFamily(
      registry,
      "ociai_upstream_attempts_total",
      "Calls to OCI by account and outcome (ok, rate_limited, error, timeout, auth, cancelled, client_error).",
      "counter",
      () => [...this.attempts].flatMap(([account, counts]) => ATTEMPT_OUTCOMES.map((outcome, i) => ({ labels: { account, outcome }, value: counts[i] }))),
    );
    if (this.options.pool) registerPoolGauges(registry, this.options.pool);
    if (this.options.processMetrics !== false) prom.collectDefaultMetrics({ register: registry });
    return registry;
  }
}

const ATTEMPT_OUTCOME_INDEX = Object.fromEntries(ATTEMPT_OUTCOMES.map((outcome, i) => [outcome, i])) as Record<AttemptOutcome, number>;

/** One (endpoint, model): its histograms (every key's requests) and a recorder per key. */
class RouteGroup {
  readonly labels: { endpoint: Endpoint; model: string };
  readonly duration = new HistogramCounts(DURATION_BUCKETS);
  readonly ttft = new HistogramCounts(TTFT_BUCKETS);
  readonly byKey = new Map<string, RouteMetrics>();
  readonly seriesModel: number;

  constructor(
    readonly endpoint: Endpoint,
    readonly model: string,
    series: RequestSeries | undefined,
  ) {
    this.labels = { endpoint, model };
    this.seriesModel = series?.modelIndex(model) ?? -1;
  }
}

/**
 * Records the requests of one (endpoint, model, key). Obtained from {@link ProxyMetrics.route};
 * every call is an increment or two.
 */
export class RouteMetrics {
  private readonly byStatus = new Map<number, number>();
  private readonly duration: HistogramCounts;
  private readonly ttft: HistogramCounts;
  private readonly seriesModel: number;

  constructor(
    private readonly group: RouteGroup,
    readonly key: string,
    private readonly tokensByAccount: TokensByAccount,
    private readonly series: RequestSeries | undefined,
  ) {
    this.duration = group.duration;
    this.ttft = group.ttft;
    this.seriesModel = group.seriesModel;
  }

  /** The answer is complete (for a stream: its last byte), with this status. */
  finished(status: number, durationMs: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.duration.observe(durationMs / 1000);
    this.series?.request(durationMs, status === 429 || status >= 500);
  }

  /** A stream's first generated token reached the client, `ms` after the request arrived. */
  firstToken(ms: number): void {
    this.ttft.observe(ms / 1000);
    this.series?.firstToken(ms);
  }

  /** Usage OCI reported for this request, served by `account`. */
  tokens(account: string, prompt: number, completion: number): void {
    let counts = this.tokensByAccount.get(account);
    if (!counts) {
      counts = new Float64Array(2);
      this.tokensByAccount.set(account, counts);
    }
    counts[0] += prompt;
    counts[1] += completion;
    this.series?.tokens(this.seriesModel, prompt, completion);
  }

  /** @internal ociai_requests_total's samples for this route. */
  statusSamples(): Sample[] {
    const { endpoint, model } = this.group;
    return [...this.byStatus].map(([status, value]) => ({ labels: { endpoint, model, status, key: this.key }, value }));
  }
}
