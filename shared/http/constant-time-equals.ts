import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares secrets in time independent of where they differ. Hashing first gives both
 * sides the same length, so the length of the expected key does not leak either.
 */
export function constantTimeEquals(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}
