/** Which OTEL_* settings turn tracing on, and which are refused with a warning. */
import { tracingSettingsFromEnv } from "../../shared/tracing/otel-env";

test.each([
  [{}, { enabled: false }],
  [{ OTEL_SERVICE_NAME: "x" }, { enabled: false }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" }, { enabled: true, protocol: "http/protobuf" }],
  [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }, { enabled: true, protocol: "http/json" }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf" }, { enabled: true, protocol: "http/protobuf" }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_SDK_DISABLED: "true" }, { enabled: false }],
  [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "none" }, { enabled: false }],
])("%j → %j", (env, expected) => {
  expect(tracingSettingsFromEnv(env)).toEqual(expected);
});

test("gRPC and other exporters are refused with a warning naming the variable", () => {
  expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toEqual({
    enabled: false,
    warning: expect.stringMatching(/^OTEL_EXPORTER_OTLP_PROTOCOL=grpc: only http\/protobuf and http\/json/),
  });
  expect(tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_TRACES_EXPORTER: "zipkin" })).toEqual({
    enabled: false,
    warning: expect.stringMatching(/^OTEL_TRACES_EXPORTER=zipkin/),
  });
});
