import { Hono, type MiddlewareHandler } from "hono";
import type { ProxyMetrics } from "./proxy-metrics";

export interface MetricsRouteDeps {
  metrics: ProxyMetrics;
  /** The admin-key check; omitted when `metrics_public = true`. */
  auth?: MiddlewareHandler;
  /** Serverless: re-read the shared pool state first, so gauges show every instance's view. */
  refresh?: () => Promise<void>;
}

/**
 * GET /metrics in the Prometheus text format.
 *
 * @example
 *   app.route("/", metricsRoute({ metrics, auth: config.server.metricsPublic ? undefined : adminAuth, refresh: () => pool.refreshShared() }));
 */
export function metricsRoute({ metrics, auth, refresh }: MetricsRouteDeps): Hono {
  const app = new Hono();
  const pass: MiddlewareHandler = (_c, next) => next();
  app.get("/metrics", auth ?? pass, async () => {
    await refresh?.();
    const { body, contentType } = await metrics.render();
    return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  });
  return app;
}
