/**
 * The functions `npm run build` bundles (dist/aws/<name>/index.js, dist/oci/<name>/) and the
 * HTTP routes in front of them: one table that both stacks read, so the two clouds expose
 * the same API.
 */
export type FunctionName = "chat" | "models" | "health-check" | "test-oci";

export interface FunctionSizing {
  memoryMb: number;
  timeoutSeconds: number;
}

export interface FunctionSpec {
  name: FunctionName;
  description: string;
  /** Serves clients, so it checks the proxy API key (the others never see client requests). */
  servesClients: boolean;
  /** Lambda: up to 900 s. Streaming chat gets the full 15 minutes a long generation may need. */
  aws: FunctionSizing;
  /** OCI Functions: at most 300 s; buffered, so a chat response must finish inside it. */
  oci: FunctionSizing;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: "chat",
    description: "POST /v1/chat/completions, /v1/responses, /v1/messages (streaming on AWS)",
    servesClients: true,
    aws: { memoryMb: 1024, timeoutSeconds: 900 },
    oci: { memoryMb: 1024, timeoutSeconds: 300 },
  },
  {
    name: "models",
    description: "GET /v1/models, /health, /stats/*, POST /admin/*, GET /test-oci",
    servesClients: true,
    aws: { memoryMb: 512, timeoutSeconds: 60 },
    oci: { memoryMb: 512, timeoutSeconds: 120 },
  },
  {
    name: "health-check",
    description: "Scheduled: probes every account and records health in the state store",
    servesClients: false,
    aws: { memoryMb: 512, timeoutSeconds: 120 },
    oci: { memoryMb: 512, timeoutSeconds: 120 },
  },
  {
    name: "test-oci",
    description: "Invoked by hand: checks connectivity and auth to every account",
    servesClients: false,
    aws: { memoryMb: 512, timeoutSeconds: 120 },
    oci: { memoryMb: 512, timeoutSeconds: 120 },
  },
];

export interface RouteSpec {
  /** Path as clients see it; a trailing "/*" matches any sub-path. */
  path: string;
  methods: string[];
  target: FunctionName;
  /** Response streamed to the client as it is produced (AWS only; OCI Functions buffer). */
  streaming: boolean;
}

export const ROUTES: readonly RouteSpec[] = [
  { path: "/v1/chat/completions", methods: ["POST"], target: "chat", streaming: true },
  { path: "/v1/responses", methods: ["POST"], target: "chat", streaming: true },
  { path: "/v1/responses/*", methods: ["GET", "DELETE"], target: "chat", streaming: true },
  { path: "/v1/messages", methods: ["POST"], target: "chat", streaming: true },
  { path: "/v1/messages/*", methods: ["POST"], target: "chat", streaming: true },
  { path: "/v1/models", methods: ["GET"], target: "models", streaming: false },
  { path: "/v1/models/*", methods: ["GET"], target: "models", streaming: false },
  { path: "/health", methods: ["GET"], target: "models", streaming: false },
  { path: "/stats/*", methods: ["GET"], target: "models", streaming: false },
  { path: "/admin/*", methods: ["POST"], target: "models", streaming: false },
  { path: "/test-oci", methods: ["GET"], target: "models", streaming: false },
];

/** Name of a deployed function, e.g. "ociai-proxy-health-check". */
export function functionName(prefix: string, fn: FunctionName): string {
  return `${prefix}-${fn}`;
}
