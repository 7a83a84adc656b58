import type { FunctionName } from "./functions";

export type RouteMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * One route of the app as both API gateways expose it. Paths are the app's, in the
 * gateways' shared syntax: "{name}" is one path segment and a final "{name+}" the rest of
 * the path, however many segments.
 */
export interface GatewayRoute {
  method: RouteMethod;
  path: string;
  /** The function that serves it (./functions.ts). */
  fn: FunctionName;
  /**
   * AWS: `response_transfer_mode = STREAM` (up to 15 minutes, bytes as they come) rather
   * than a buffered integration (29 s). Needed for SSE and for answers that wait on OCI.
   * OCI Functions buffer every answer.
   */
  streaming: boolean;
}

const STREAM = true;
const BUFFERED = false;

/**
 * Every route of the app (shared/http/create-app.ts), one line each: a route added to the
 * app must be added here, or test/infra/gateway-routes.test.ts fails. Both gateways also
 * answer OPTIONS on each path, through the same function (the app does CORS). HEAD is
 * listed where a client sends it: the app answers HEAD with its GET route, the gateways
 * only route the methods they are given.
 */
export const ROUTES: readonly GatewayRoute[] = [
  { method: "POST", path: "/v1/chat/completions", fn: "chat", streaming: STREAM },
  { method: "POST", path: "/chat/completions", fn: "chat", streaming: STREAM },
  { method: "POST", path: "/v1/embeddings", fn: "chat", streaming: STREAM },
  { method: "POST", path: "/embeddings", fn: "chat", streaming: STREAM },
  // The Responses and Messages front doors: streamed, and their stored-response and
  // token-count routes on the same function (a streaming Lambda answers only streaming integrations).
  { method: "POST", path: "/v1/responses", fn: "chat", streaming: STREAM },
  { method: "POST", path: "/responses", fn: "chat", streaming: STREAM },
  { method: "GET", path: "/v1/responses/{id}", fn: "chat", streaming: STREAM },
  { method: "GET", path: "/responses/{id}", fn: "chat", streaming: STREAM },
  { method: "DELETE", path: "/v1/responses/{id}", fn: "chat", streaming: STREAM },
  { method: "DELETE", path: "/responses/{id}", fn: "chat", streaming: STREAM },
  { method: "GET", path: "/v1/responses/{id}/input_items", fn: "chat", streaming: STREAM },
  { method: "GET", path: "/responses/{id}/input_items", fn: "chat", streaming: STREAM },
  { method: "POST", path: "/v1/messages", fn: "chat", streaming: STREAM },
  { method: "POST", path: "/messages", fn: "chat", streaming: STREAM },
  { method: "POST", path: "/v1/messages/count_tokens", fn: "chat", streaming: STREAM },
  { method: "POST", path: "/messages/count_tokens", fn: "chat", streaming: STREAM },
  // Claude Code probes its base URL (HEAD /) before it calls: answered, not a gateway 403.
  { method: "GET", path: "/", fn: "models", streaming: BUFFERED },
  { method: "HEAD", path: "/", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/v1/models", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/v1/models/{id+}", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/models", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/models/{id+}", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/health", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/test-oci", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/stats", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/stats/accounts", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/stats/concurrency", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/stats/circuit-breaker", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/stats/queue", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/stats/keys", fn: "models", streaming: BUFFERED },
  // Observability: Prometheus scrapes, the dashboard page and its charts' data.
  { method: "GET", path: "/stats/series", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/metrics", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/dashboard", fn: "models", streaming: BUFFERED },
  { method: "POST", path: "/admin/circuit-breaker/reset", fn: "models", streaming: BUFFERED },
  // Team keys' admin API (admin key only).
  { method: "GET", path: "/admin/keys", fn: "models", streaming: BUFFERED },
  { method: "POST", path: "/admin/keys", fn: "models", streaming: BUFFERED },
  { method: "GET", path: "/admin/keys/{id}", fn: "models", streaming: BUFFERED },
  { method: "PATCH", path: "/admin/keys/{id}", fn: "models", streaming: BUFFERED },
  { method: "DELETE", path: "/admin/keys/{id}", fn: "models", streaming: BUFFERED },
];

/** The gateways' paths, each with its routes in table order (OPTIONS goes to the first one's function). */
export function routesByPath(routes: readonly GatewayRoute[] = ROUTES): Map<string, GatewayRoute[]> {
  const byPath = new Map<string, GatewayRoute[]>();
  for (const route of routes) {
    const list = byPath.get(route.path) ?? [];
    if (list.some((other) => other.method === route.method)) throw new Error(`route table: ${route.method} ${route.path} is listed twice`);
    list.push(route);
    byPath.set(route.path, list);
  }
  return byPath;
}

/** Whether a function receives client requests (and so needs the API key). */
export function servesClients(fn: FunctionName, routes: readonly GatewayRoute[] = ROUTES): boolean {
  return routes.some((route) => route.fn === fn);
}
