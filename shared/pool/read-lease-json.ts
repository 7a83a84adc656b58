import { readBody } from "../oci/http-transport";
import { MAX_ANSWER_BYTES, transportFailure } from "../oci/oci-inference-client";
import { UpstreamFailure } from "../oci/upstream-failure";
import { ClientClosedRequestError } from "../openai/errors";
import type { Lease } from "./types";

/**
 * Reads a buffered JSON answer and releases its lease with the outcome: a broken read is a
 * transport failure, an answer `translate` cannot use is a protocol failure (named by
 * `what`, never quoting the body: it is model output, and errors reach logs). Failures
 * are thrown as {@link UpstreamFailure} (each front door renders them its own way), or as
 * ClientClosedRequestError when the client left while the answer was read.
 *
 * @example
 *   const completion = await readLeaseJson(lease, "a chat response", (json) => fromOciChatResponse(json, identity));
 */
export async function readLeaseJson<T>(lease: Lease, what: string, translate: (json: unknown) => T): Promise<T> {
  const startedAt = performance.now();
  const fail = (failure: UpstreamFailure) => {
    const recorded = lease.release({ ok: false, failure });
    // A read cut because the client left is not OCI's failure: the log says "cancelled".
    return recorded.ok === "cancelled" ? new ClientClosedRequestError("upstream") : failure;
  };
  let raw: Buffer;
  try {
    raw = await readBody(lease.response.body, MAX_ANSWER_BYTES);
  } catch (err) {
    throw fail(transportFailure(err, "read"));
  }
  let result: T;
  try {
    result = translate(JSON.parse(raw.toString("utf8")));
  } catch (err) {
    throw fail(err instanceof UpstreamFailure ? err : new UpstreamFailure("protocol", `OCI answered something that is not ${what}`));
  }
  lease.release({ ok: true, latencyMs: performance.now() - startedAt });
  return result;
}
