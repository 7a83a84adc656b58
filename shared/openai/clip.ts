/**
 * Shortens text a client or upstream sent before it is echoed in an error or a log line:
 * a 9 MB model name must not come back as a 9 MB error.
 *
 * @example
 *   clip("x".repeat(100))      // "xxxx…" (64 characters, then "…")
 *   clip("grok-4")             // "grok-4"
 */
export function clip(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
