const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses how long something is kept (no timer waits on it, so days are fine): a whole
 * number with a unit, `30d`, `12h`, `90m`, `3600s`; `0` keeps nothing.
 *
 * @example
 *   parseRetention("30d") // 2592000000
 *   parseRetention("0")   // 0
 * @throws Error with a short reason (the caller adds file, section and key).
 */
export function parseRetention(text: string): number {
  const input = text.trim();
  if (input === "0") return 0;
  const match = /^(\d{1,6})(s|m|h|d)$/.exec(input);
  if (!match) throw new Error(`expected a retention such as 30d, 12h or 0, got "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2]];
}
