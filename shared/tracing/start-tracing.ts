import type { Logger } from "../log/logger";
import { tracingSettingsFromEnv } from "./otel-env";
import type { ProxyTracer } from "./proxy-tracer";

/**
 * Starts OpenTelemetry tracing when the standard `OTEL_*` variables ask for it, else
 * returns undefined without loading any OpenTelemetry code: the SDK and exporters live in
 * otel-tracer.ts, imported only here and only then (the build puts it in its own file next
 * to each bundle, so a cold start without tracing does not even read it).
 *
 * The SDK reads the rest of its settings from `process.env` itself: OTEL_EXPORTER_OTLP_*
 * endpoint, headers, timeout and compression, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
 * OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*.
 *
 * @example
 *   const tracer = await startTracing(process.env, logger);
 *   const trace = tracer?.startRequest({ method: "POST", route: "/v1/chat/completions", operation: "chat", traceparent });
 */
export async function startTracing(env: NodeJS.ProcessEnv, logger?: Logger): Promise<ProxyTracer | undefined> {
  const settings = tracingSettingsFromEnv(env);
  if (!settings.enabled) {
    if (settings.warning) logger?.warn(settings.warning);
    return undefined;
  }
  const { createOtelTracer } = await import("./otel-tracer");
  return createOtelTracer(settings.protocol, logger);
}
