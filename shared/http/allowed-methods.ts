import { PatternRouter } from "hono/router/pattern-router";

interface RouteEntry {
  method: string;
  path: string;
}

/**
 * For a request no route matched: the methods that path does serve, so the answer can be
 * 405 with `Allow` instead of a misleading 404. Built from the app's own route table on
 * first use (every route is registered by then), so new routes are covered without a list
 * to keep in sync. Middleware (method "ALL") does not count.
 *
 * @example
 *   const allowedMethods = allowedMethodsOf(app.routes);
 *   allowedMethods("/v1/chat/completions") // ["POST"]
 *   allowedMethods("/v1/models")           // ["GET", "HEAD"]
 *   allowedMethods("/nope")                // []
 */
export function allowedMethodsOf(routes: readonly RouteEntry[]): (path: string) => string[] {
  let router: PatternRouter<string> | undefined;
  return (path) => {
    if (!router) {
      router = new PatternRouter<string>();
      for (const route of routes) if (route.method !== "ALL") router.add("ALL", route.path, route.method);
    }
    const methods = new Set(router.match("ALL", path)[0].map(([method]) => method));
    // Hono answers HEAD with the GET route.
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods];
  };
}
