/** Binary multiples: "10mb" means 10 MiB, which is what people expect of a body limit. */
const UNIT_BYTES: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a size such as `max_body_size`: plain bytes or a number with a unit (kb, mb, gb;
 * 1024-based, case-insensitive). Must be at least one byte.
 *
 * @example
 *   parseByteSize("512kb") // 524288
 *   parseByteSize("10MB")  // 10485760
 *   parseByteSize("2048")  // 2048
 * @throws Error with a short reason.
 */
export function parseByteSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const factor = match ? UNIT_BYTES[match[2].toLowerCase()] : undefined;
  const bytes = match && factor !== undefined ? Math.floor(Number(match[1]) * factor) : NaN;
  if (!(bytes >= 1) || !Number.isSafeInteger(bytes)) {
    throw new Error(`expected a size in bytes or with a unit such as 512kb or 10mb, got "${text}"`);
  }
  return bytes;
}
