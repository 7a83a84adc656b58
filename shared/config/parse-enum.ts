/**
 * Checks that a value is one of `allowed`; the error lists them, so a typo is a one-glance fix.
 *
 * @example
 *   parseEnum("weighted", ["round_robin", "weighted"] as const) // "weighted"
 * @throws Error with a short reason.
 */
export function parseEnum<T extends string>(text: string, allowed: readonly T[]): T {
  const input = text.trim();
  if ((allowed as readonly string[]).includes(input)) return input as T;
  throw new Error(`expected one of ${allowed.join(", ")}, got "${text}"`);
}
