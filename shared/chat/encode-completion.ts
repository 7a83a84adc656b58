import type { ChatCompletion } from "../openai/chat-types";
import { fullResponseToChunks } from "../oci/translate/full-response-to-chunks";
import type { ChunkEncoder } from "./chat-event-stream";

/**
 * A complete answer as the stream a client asked for (force_non_stream, or an upstream
 * that answered JSON): replayed as canonical chunks through the front door's encoder, so
 * it reads exactly like a streamed one.
 *
 * @example
 *   const body = await encodeCompletion(encoder, completion, true); // "event: response.created\n…"
 */
export async function encodeCompletion(encoder: ChunkEncoder, completion: ChatCompletion, includeUsage: boolean): Promise<string> {
  let out = encoder.start();
  for (const chunk of fullResponseToChunks(completion, includeUsage)) out += encoder.chunk(chunk);
  const tail = encoder.end(completion.usage);
  return out + (typeof tail === "string" ? tail : await tail);
}
