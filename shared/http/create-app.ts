import { Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { ProxyConfig } from "../config/types";
import type { Logger } from "../log/logger";
import { clip } from "../openai/clip";
import { MethodNotAllowedError, NotFoundError } from "../openai/errors";
import { probeAccounts } from "../chat/probe-account";
import { adminKeysRoutes, keyStatsRoutes } from "../keys/admin-keys-routes";
import type { TeamKey } from "../keys/key-registry";
import { TeamKeys } from "../keys/team-keys";
import type { AccountPool } from "../pool/account-pool";
import { MemoryStateStore } from "../state/memory-state-store";
import { ResponseStore } from "../state/response-store";
import { allowedMethodsOf } from "./allowed-methods";
import { callerAuth } from "./caller-auth";
import { keepSlowAnswersAlive, type SlowAnswerPolicy } from "./keep-slow-answers-alive";
import { renderError } from "./render-error";
import { RequestLog, type RequestTelemetry } from "./request-log";
import { chatCompletionsHandler } from "./routes/chat-completions";
import { embeddingsHandler } from "./routes/embeddings";
import { messagesHandlers } from "./routes/messages";
import { modelsHandlers } from "./routes/models";
import { responsesHandlers } from "./routes/responses";
import { adminRoutes, statsRoutes } from "./routes/stats";
import { dashboardRoutes } from "../dashboard/dashboard-routes";
import { metricsRoute } from "../metrics/metrics-route";
import { ProxyMetrics } from "../metrics/proxy-metrics";
import { requestLineWriter, type RequestLineFormat } from "../metrics/request-line-writer";
import { RequestSeries, type SeriesScope } from "../metrics/request-series";
import type { ProxyTracer } from "../tracing/proxy-tracer";

export interface AppDeps {
  config: ProxyConfig;
  pool: AccountPool;
  logger: Logger;
  /** Stored Responses API responses; default: in process memory (64 MB, oldest dropped first). */
  responses?: ResponseStore;
  /** Behind a gateway that cuts silent responses (AWS API Gateway streaming): pad slow answers. */
  slowAnswers?: SlowAnswerPolicy;
  /** OpenTelemetry, when OTEL_* turned it on (startTracing). */
  tracer?: ProxyTracer;
  /** How each request's line is written: "log" (default), "emf" on Lambda, "oci" on OCI Functions. */
  requestLines?: RequestLineFormat;
  /** Whose requests the dashboard's series see: this "process" (default) or this serverless "instance". */
  seriesScope?: SeriesScope;
  /** Team keys on the deployment's state store; default: in process memory (gone on restart). */
  teamKeys?: TeamKeys;
}

/** What the CLI keeps of stored responses in memory before dropping the oldest. */
const MEMORY_RESPONSES_BYTES = 64 * 1024 * 1024;

export type AppEnv = { Variables: { requestLog: RequestLog; teamKey?: TeamKey } };

/**
 * The whole HTTP surface on web-standard Request/Response, shared by the local server,
 * Lambda and OCI Functions adapters. The config's api_key is the admin key (every route);
 * team keys reach the model endpoints and /health only.
 *
 * @example
 *   const app = createApp({ config, pool, logger });
 *   const res = await app.fetch(new Request("http://proxy/v1/models", { headers: { authorization: `Bearer ${key}` } }));
 */
export function createApp({ config, pool, logger, responses, slowAnswers, tracer, requestLines = "log", seriesScope = "process", teamKeys }: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const keys = teamKeys ?? new TeamKeys(new MemoryStateStore(), { logger });
  const { models: auth, admin: adminAuth } = callerAuth(config.apiKey, keys);
  const modelNames = [...config.models.keys()];
  const metrics = new ProxyMetrics({
    models: modelNames,
    accounts: pool.members.map((m) => m.id),
    pool,
    series: new RequestSeries({ models: modelNames, scope: seriesScope }),
  });
  const telemetry: RequestTelemetry = { lines: requestLineWriter(requestLines, logger), metrics, tracer };
  const models = modelsHandlers(config.models);
  const core = { config, pool, keys };
  const chat = chatCompletionsHandler(core);
  const embeddings = embeddingsHandler(core);
  const responseStore = responses ?? new ResponseStore(new MemoryStateStore({ maxBytes: MEMORY_RESPONSES_BYTES }), config.server.responsesTtlMs);
  const responsesApi = responsesHandlers(core, responseStore, logger);
  const messages = messagesHandlers(core);
  // Routes that wait on OCI: padded behind gateways that cut silent responses.
  const slow = keepSlowAnswersAlive(slowAnswers);

  app.use("*", async (c, next) => {
    const log = new RequestLog(telemetry, c.req.method, c.req.path, c.req.raw);
    c.set("requestLog", log);
    await next();
    log.fields.status = c.res.status;
    if (!log.deferred) log.finish();
  });
  const anyOrigin = config.server.corsOrigins.includes("*");
  const corsHeaders = cors({
    origin: anyOrigin ? "*" : config.server.corsOrigins,
    allowMethods: ["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
    // Empty = reflect Access-Control-Request-Headers (SDKs send x-stainless-* headers).
    allowHeaders: [],
    // The headers the proxy sets that clients act on, readable by pages on other origins:
    // when to retry (the SDKs read both) and, on a 405, which methods to use instead.
    exposeHeaders: ["retry-after", "x-should-retry", "allow"],
    maxAge: 600,
  });
  // Browsers send Origin with every cross-origin request and preflight. Without one (API
  // clients, same-origin pages) and any origin allowed, the answer is the same with or
  // without CORS headers, and adding them costs a rebuilt Response per request. With listed
  // origins every answer says Vary: Origin, so those always go through.
  app.use("*", anyOrigin ? (c, next) => (c.req.header("origin") === undefined ? next() : corsHeaders(c, next)) : corsHeaders);

  // Claude Code probes the base URL (HEAD /) before it sends a key: answer it.
  app.get("/", (c) => c.json({ status: "ok", service: "ociai-proxy" }));
  app.get("/health", (c) => {
    const enabled = pool.members.filter((m) => m.account.config.enabled);
    const healthy = enabled.filter((m) => m.health.healthy && m.breaker.state !== "open").length;
    return c.json({ status: "ok", mode: config.mode, accounts: { total: pool.members.length, enabled: enabled.length, healthy } });
  });

  const statsAuth: MiddlewareHandler = config.server.statsPublic ? (_c, next) => next() : adminAuth;
  app.use("/stats", statsAuth);
  app.use("/stats/*", statsAuth);
  app.use("/admin/*", adminAuth);
  app.route("/", statsRoutes(pool));
  app.route("/", keyStatsRoutes({ keys }));
  app.route("/", adminRoutes(pool));
  app.route("/", adminKeysRoutes({ keys, knownModels: new Set(config.models.keys()) }));
  // The page is public (it holds no data and asks for the key); its data routes are /stats/*.
  app.route("/", dashboardRoutes({ series: metrics.series! }));
  // Like /stats: the admin key (a scrape names every team key's id and usage).
  app.route("/", metricsRoute({ metrics, auth: config.server.metricsPublic ? undefined : adminAuth, refresh: () => pool.refreshShared() }));

  for (const prefix of ["/v1", ""]) {
    app.post(`${prefix}/chat/completions`, auth, slow(chat));
    app.post(`${prefix}/embeddings`, auth, slow(embeddings));
    app.get(`${prefix}/models`, auth, models.list);
    app.get(`${prefix}/models/:id{.+}`, auth, models.get);
    app.post(`${prefix}/responses`, auth, slow(responsesApi.create));
    app.get(`${prefix}/responses/:id/input_items`, auth, responsesApi.inputItems);
    app.get(`${prefix}/responses/:id`, auth, responsesApi.get);
    app.delete(`${prefix}/responses/:id`, auth, responsesApi.delete);
    app.post(`${prefix}/messages`, auth, slow(messages.create));
    app.post(`${prefix}/messages/count_tokens`, auth, messages.countTokens);
  }

  app.get("/test-oci", adminAuth, async (c) => {
    const results = await probeAccounts(config, pool.accounts);
    const ok = results.every((r) => r.ok);
    return c.json({ ok, accounts: results }, ok ? 200 : 502);
  });

  const allowedMethods = allowedMethodsOf(app.routes);
  app.notFound((c) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed.length > 0) return renderError(c, new MethodNotAllowedError(c.req.method, c.req.path, allowed));
    return renderError(c, new NotFoundError(`Unknown endpoint: ${c.req.method} ${clip(c.req.path)}`, null, "unknown_url"));
  });
  app.onError((err, c) => {
    const res = renderError(c, err);
    // Unexpected errors become a bare 500 for the client; the log keeps what happened.
    c.get("requestLog").noteError(err, res.status);
    return res;
  });
  return app;
}

