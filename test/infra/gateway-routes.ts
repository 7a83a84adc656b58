/**
 * Route inventories for the route-table test: the app's own routes (read from the Hono
 * app's registry), and the routes each synthesized gateway really serves (read back from
 * the Terraform JSON: AWS resources, methods and integrations; OCI deployment routes).
 */
import type { Hono } from "hono";
import { inspectRoutes } from "hono/dev";
import type { Synthesized } from "./helpers";

/** One served route: "POST /v1/chat/completions" → function "chat", streamed or not (AWS). */
export interface ServedRoute {
  method: string;
  /** In the route table's syntax: "{id}" one segment, "{id+}" the rest of the path. */
  path: string;
  fn?: string;
  streaming?: boolean;
}

export const routeKey = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

/**
 * The app's routes, middleware left out. Hono's ":id" becomes "{id}", and ":id{regex}"
 * becomes "{id+}" when the regex can match a slash (a greedy tail) or "{id}" otherwise.
 * Hono answers HEAD with every GET route; HEAD is listed for the GET paths in `headPaths`.
 */
export function appRoutes(app: Hono<any>, headPaths: ReadonlySet<string> = new Set()): ServedRoute[] {
  const seen = new Map<string, ServedRoute>();
  for (const route of inspectRoutes(app)) {
    if (route.isMiddleware || route.method === "ALL") continue;
    const path = route.path.replace(/:(\w+)(\{([^}]*)\})?/g, (_all, name: string, _braces, pattern?: string) =>
      pattern !== undefined && new RegExp(`^(?:${pattern})$`).test("a/b") ? `{${name}+}` : `{${name}}`,
    );
    const served = { method: route.method, path };
    seen.set(routeKey(served), served);
    if (route.method === "GET" && headPaths.has(path)) seen.set(`HEAD ${path}`, { method: "HEAD", path });
  }
  return [...seen.values()];
}

/** `${aws_lambda_function.fn-chat_function_ABC.arn}` → "ociai-proxy-chat" (its function_name). */
function lambdaName(out: Synthesized, reference: string): string | undefined {
  const match = /aws_lambda_function\.([\w-]+)\./.exec(reference);
  return match ? String(out.json.resource.aws_lambda_function?.[match[1]]?.function_name) : undefined;
}

/** What the synthesized REST API routes: resource paths rebuilt from parent links, one entry per method. */
export function awsServedRoutes(out: Synthesized, prefix = "ociai-proxy-"): ServedRoute[] {
  const resources = out.json.resource.aws_api_gateway_resource ?? {};
  const pathOf = (name: string): string => {
    const resource = resources[name];
    const parent = /aws_api_gateway_resource\.([\w-]+)\.id/.exec(String(resource.parent_id));
    return `${parent ? pathOf(parent[1]) : ""}/${resource.path_part}`;
  };
  const served: ServedRoute[] = [];
  for (const integration of Object.values(out.json.resource.aws_api_gateway_integration ?? {})) {
    const resourceRef = String(integration.resource_id);
    const resource = /aws_api_gateway_resource\.([\w-]+)\.id/.exec(resourceRef)?.[1];
    // A method on the API's root resource serves "/" (anything else shows up as unrouted).
    const path = resource ? pathOf(resource) : /\.root_resource_id\}$/.test(resourceRef) ? "/" : resourceRef;
    // The integration names its method by reference: read the method's own http_method.
    const methodRef = /aws_api_gateway_method\.([\w-]+)\.http_method/.exec(String(integration.http_method));
    const method = methodRef ? String(out.json.resource.aws_api_gateway_method[methodRef[1]].http_method) : String(integration.http_method);
    served.push({
      method,
      path,
      fn: lambdaName(out, String(integration.uri))?.replace(prefix, ""),
      streaming: integration.response_transfer_mode === "STREAM" && String(integration.uri).endsWith("/response-streaming-invocations"),
    });
  }
  return served;
}

/** What the synthesized OCI deployment routes, one entry per method ("{id*}" read back as "{id+}"). */
export function ociServedRoutes(out: Synthesized): ServedRoute[] {
  const functions = out.json.resource.oci_functions_function ?? {};
  const served: ServedRoute[] = [];
  for (const deployment of Object.values(out.json.resource.oci_apigateway_deployment ?? {})) {
    for (const route of (deployment.specification as { routes: Array<{ path: string; methods: string[]; backend: { type: string; function_id: string } }> }).routes) {
      const target = /oci_functions_function\.([\w-]+)\.id/.exec(route.backend.function_id);
      const fn = route.backend.type === "ORACLE_FUNCTIONS_BACKEND" && target ? String(functions[target[1]]?.display_name) : undefined;
      for (const method of route.methods) served.push({ method, path: route.path.replace(/\{(\w+)\*\}$/, "{$1+}"), fn });
    }
  }
  return served;
}
