/**
 * The functions `npm run build` bundles (one folder each under functions/, built to
 * dist/aws/<name>/index.js and dist/oci/<name>/) and how each cloud sizes them: one table
 * that the build and both stacks read. Which HTTP routes reach which function is
 * ./routes.ts.
 */
export type FunctionName = "chat" | "models" | "health-check" | "test-oci";

export interface FunctionSizing {
  memoryMb: number;
  timeoutSeconds: number;
}

export interface FunctionSpec {
  name: FunctionName;
  description: string;
  /** Lambda: up to 900 s. Streaming inference gets the full 15 minutes a long generation may need. */
  aws: FunctionSizing;
  /** OCI Functions: at most 300 s; buffered, so a chat answer must finish inside it. */
  oci: FunctionSizing;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: "chat",
    description: "Inference routes (chat completions, embeddings, responses, messages): calls OCI; streams on AWS",
    aws: { memoryMb: 1024, timeoutSeconds: 900 },
    oci: { memoryMb: 1024, timeoutSeconds: 300 },
  },
  {
    name: "models",
    description: "Model list, health, stats, admin and /test-oci routes",
    aws: { memoryMb: 512, timeoutSeconds: 60 },
    oci: { memoryMb: 512, timeoutSeconds: 120 },
  },
  {
    name: "health-check",
    description: "Scheduled: probes every account and records health in the state store",
    aws: { memoryMb: 512, timeoutSeconds: 120 },
    oci: { memoryMb: 512, timeoutSeconds: 120 },
  },
  {
    name: "test-oci",
    description: "Invoked by hand: checks connectivity and auth to every account",
    aws: { memoryMb: 512, timeoutSeconds: 120 },
    oci: { memoryMb: 512, timeoutSeconds: 120 },
  },
];

/** Name of a deployed function, e.g. "ociai-proxy-health-check". */
export function functionName(prefix: string, fn: FunctionName): string {
  return `${prefix}-${fn}`;
}
