/**
 * Whether to trace, decided from the standard OpenTelemetry environment variables alone
 * (nothing is imported here): traces are exported only when an OTLP endpoint is set.
 */
export type OtlpHttpProtocol = "http/protobuf" | "http/json";

export type TracingSettings = { enabled: true; protocol: OtlpHttpProtocol } | { enabled: false; warning?: string };

/**
 * @example
 *   tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }); // { enabled: true, protocol: "http/protobuf" }
 *   tracingSettingsFromEnv({});                                                      // { enabled: false }
 */
export function tracingSettingsFromEnv(env: NodeJS.ProcessEnv): TracingSettings {
  const endpoint = (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || "").trim();
  if (!endpoint) return { enabled: false };
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return { enabled: false };
  const exporters = (env.OTEL_TRACES_EXPORTER ?? "otlp").split(",").map((e) => e.trim().toLowerCase());
  if (exporters.includes("none")) return { enabled: false };
  if (!exporters.includes("otlp")) {
    return { enabled: false, warning: `OTEL_TRACES_EXPORTER=${env.OTEL_TRACES_EXPORTER}: only "otlp" is supported; traces are off` };
  }
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || "http/protobuf").trim();
  if (protocol === "http/protobuf" || protocol === "http/json") return { enabled: true, protocol };
  return {
    enabled: false,
    warning: `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}: only http/protobuf and http/json are supported (OTLP over HTTP, port 4318); traces are off`,
  };
}
