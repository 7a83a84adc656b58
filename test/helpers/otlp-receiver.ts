/**
 * A local OTLP/HTTP trace receiver for tests, like a collector's `otlp` receiver on 4318:
 * POST /v1/traces with OTLP/JSON or OTLP/protobuf (optionally gzip), answered 200. Protobuf
 * is decoded by protobufjs with the OTLP schema below (opentelemetry-proto: collector trace
 * service, trace, common and resource messages; only the fields traces use).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import protobuf from "protobufjs";

const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4;
  fixed32 flags = 16; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
    ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

const ExportRequest = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: false }).root.lookupType("otlp.ExportTraceServiceRequest");

export type AttributeValue = string | number | boolean | AttributeValue[] | null;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP SpanKind: 1 internal, 2 server, 3 client. */
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, AttributeValue>;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  resource: Record<string, AttributeValue>;
  scope: string;
}

export interface OtlpReceiver {
  /** e.g. http://127.0.0.1:PORT (set OTEL_EXPORTER_OTLP_ENDPOINT to it). */
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the export requests received, in order. */
  contentTypes: string[];
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method !== "POST" || req.url !== "/v1/traces") {
        res.writeHead(404).end();
        return;
      }
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      const type = (req.headers["content-type"] ?? "").split(";")[0].trim();
      contentTypes.push(type);
      try {
        if (type === "application/json") {
          spans.push(...fromJson(JSON.parse(body.toString("utf8"))));
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        } else if (type === "application/x-protobuf") {
          spans.push(...fromProtobuf(body));
          res.writeHead(200, { "content-type": "application/x-protobuf" }).end();
        } else {
          res.writeHead(415).end();
        }
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    async waitForSpans(count, timeoutMs = 5_000) {
      const until = Date.now() + timeoutMs;
      while (spans.length < count) {
        if (Date.now() > until) throw new Error(`received ${spans.length} of ${count} spans`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return spans;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function fromJson(request: any): ReceivedSpan[] {
  return collect(request.resourceSpans, (id: string | undefined) => id ?? "", anyValueFromJson);
}

function fromProtobuf(body: Buffer): ReceivedSpan[] {
  const message = ExportRequest.toObject(ExportRequest.decode(body), { longs: String, defaults: true, oneofs: true });
  return collect(message.resourceSpans, (id: Uint8Array | undefined) => (id ? Buffer.from(id).toString("hex") : ""), anyValueFromProtobuf);
}

function collect(resourceSpans: any[] = [], hex: (id: any) => string, value: (v: any) => AttributeValue): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  const attrs = (list: any[] = []) => Object.fromEntries(list.map((kv) => [kv.key, value(kv.value)]));
  for (const rs of resourceSpans) {
    const resource = attrs(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          name: s.name,
          kind: Number(s.kind),
          startMs: Number(BigInt(s.startTimeUnixNano) / 1_000_000n),
          endMs: Number(BigInt(s.endTimeUnixNano) / 1_000_000n),
          attributes: attrs(s.attributes),
          statusCode: Number(s.status?.code ?? 0),
          resource,
          scope: ss.scope?.name ?? "",
        });
      }
    }
  }
  return out;
}

function anyValueFromJson(v: any): AttributeValue {
  if (!v) return null;
  if ("stringValue" in v) return v.stringValue;
  if ("boolValue" in v) return v.boolValue;
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("arrayValue" in v) return (v.arrayValue.values ?? []).map(anyValueFromJson);
  return null;
}

function anyValueFromProtobuf(v: any): AttributeValue {
  switch (v?.value) {
    case "stringValue":
      return v.stringValue;
    case "boolValue":
      return v.boolValue;
    case "intValue":
      return Number(v.intValue);
    case "doubleValue":
      return v.doubleValue;
    case "arrayValue":
      return (v.arrayValue.values ?? []).map(anyValueFromProtobuf);
    default:
      return null;
  }
}
