/**
 * Span attribute names: the OpenTelemetry GenAI semantic conventions (development status,
 * checked against open-telemetry/semantic-conventions-genai model/gen-ai/registry.yaml),
 * the HTTP and server conventions, and the proxy's own `ociai.*` attributes.
 */
export const ATTR = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  finishReasons: "gen_ai.response.finish_reasons",
  timeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  errorType: "error.type",
  serverAddress: "server.address",
  serverPort: "server.port",
  httpMethod: "http.request.method",
  httpRoute: "http.route",
  httpStatus: "http.response.status_code",
  account: "ociai.account.id",
  attempt: "ociai.attempt",
  attempts: "ociai.attempts",
  outcome: "ociai.upstream.outcome",
  opcRequestId: "oci.opc_request_id",
} as const;

/**
 * The registry has no value for OCI Generative AI; the conventions allow a custom one.
 * This follows the registry's `<cloud>.<service>` spelling (aws.bedrock, gcp.vertex_ai).
 */
export const OCI_PROVIDER_NAME = "oci.generative_ai";
