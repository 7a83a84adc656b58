import { randomUUID } from "node:crypto";

/**
 * A fresh id with an API's prefix and 32 random hex characters (128 bits), e.g. the
 * `resp_…`, `msg_…`, `fc_…` of the Responses API or Anthropic's `msg_…`.
 *
 * @example
 *   randomId("resp_"); // "resp_3f2a9c1e0b7d4e5f8a6b1c2d3e4f5a6b"
 */
export function randomId(prefix: string): string {
  // randomUUID is the cheapest CSPRNG call in Node (batched entropy).
  const uuid = randomUUID();
  return prefix + uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(14, 18) + uuid.slice(19, 23) + uuid.slice(24);
}
