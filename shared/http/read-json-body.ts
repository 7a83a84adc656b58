import type { Context } from "hono";
import type { IncomingMessage } from "node:http";
import { clip } from "../openai/clip";
import { InvalidRequestError, PayloadTooLargeError } from "../openai/errors";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads and parses a JSON request body, enforcing a size limit while reading (a lying or
 * missing Content-Length cannot get past it). Any content type is accepted: `curl -d`
 * sends form-urlencoded by default, and the body is still the JSON the user meant.
 *
 * @param incoming On the Node server, the raw request: reading it directly skips building
 *   a web Request and its body stream on the hot path.
 */
export async function readJsonBody(request: Request, limitBytes: number, incoming?: IncomingMessage): Promise<unknown> {
  const header = (name: "content-length" | "content-type") => (incoming ? incoming.headers[name] : request.headers.get(name)) ?? undefined;
  const declared = Number(header("content-length") ?? "0");
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  const chunks = incoming ?? request.body;
  if (!chunks) throw new InvalidRequestError("Request body is empty; expected a JSON object.");

  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of chunks as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      // Stop reading: the rest of the body is never buffered, and the connection is closed.
      if (size > limitBytes) throw new PayloadTooLargeError(limitBytes, true);
      parts.push(chunk);
    }
  } catch (err) {
    if (err instanceof PayloadTooLargeError) throw err;
    throw new InvalidRequestError("The request body could not be read completely.");
  }
  if (size === 0) throw new InvalidRequestError("Request body is empty; expected a JSON object.");

  let text: string;
  try {
    text = utf8.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  } catch {
    throw new InvalidRequestError("Request body is not valid UTF-8.");
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const type = header("content-type");
    const hint = type && !type.includes("json") ? ` (content-type was '${clip(type)}'; send application/json)` : "";
    throw new InvalidRequestError(`We could not parse the JSON body of your request: ${(err as Error).message}${hint}`);
  }
}

/**
 * {@link readJsonBody} for a route: on the Node server it reads the raw IncomingMessage.
 * The parsed body stays on the context for middleware (see requestJsonOf).
 */
export async function readRequestJson(c: Context, limitBytes: number): Promise<unknown> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const json = await readJsonBody(c.req.raw, limitBytes, incoming);
  c.set(REQUEST_JSON, json);
  return json;
}

const REQUEST_JSON = "requestJson";

/** The JSON body a route read with readRequestJson, if it did (e.g. whether it asked for `stream`). */
export function requestJsonOf(c: Context): unknown {
  return c.get(REQUEST_JSON);
}
