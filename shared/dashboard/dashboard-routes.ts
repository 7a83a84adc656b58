import { Hono } from "hono";
import { InvalidRequestError } from "../openai/errors";
import type { RequestSeries } from "../metrics/request-series";
import { dashboardPage } from "./dashboard-page";

export interface DashboardRoutesDeps {
  /** This instance's recent history (GET /stats/series). */
  series: RequestSeries;
}

const MAX_WINDOW_S = 3_600;

/**
 * GET /dashboard (the page: public, it holds no data and asks for the key) and
 * GET /stats/series (the charts' data: behind the same auth as /stats/*, which the app
 * applies to the whole /stats/ prefix).
 *
 * @example
 *   app.route("/", dashboardRoutes({ series: metrics.series! }));
 */
export function dashboardRoutes({ series }: DashboardRoutesDeps): Hono {
  const app = new Hono();
  app.get("/dashboard", () => {
    const { html, headers } = dashboardPage();
    return new Response(html, { headers });
  });
  app.get("/stats/series", (c) => {
    const given = c.req.query("window");
    const seconds = given === undefined ? 300 : Number(given);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new InvalidRequestError("window: expected a positive number of seconds", "window", "invalid_window");
    }
    return c.json(series.view(Math.min(MAX_WINDOW_S, seconds) * 1000));
  });
  return app;
}
