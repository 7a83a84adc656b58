import { InvalidRequestError, PayloadTooLargeError } from "../openai/errors";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads and parses a JSON request body, enforcing a size limit while reading (a lying or
 * missing Content-Length cannot get past it). Any content type is accepted: `curl -d`
 * sends form-urlencoded by default, and the body is still the JSON the user meant.
 */
export async function readJsonBody(request: Request, limitBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > limitBytes) throw new PayloadTooLargeError(limitBytes);
  if (!request.body) throw new InvalidRequestError("Request body is empty; expected a JSON object.");

  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new InvalidRequestError("The request body could not be read completely.");
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(limitBytes, true);
    }
    parts.push(chunk.value);
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
    const type = request.headers.get("content-type");
    const hint = type && !type.includes("json") ? ` (content-type was '${type}'; send application/json)` : "";
    throw new InvalidRequestError(`We could not parse the JSON body of your request: ${(err as Error).message}${hint}`);
  }
}
