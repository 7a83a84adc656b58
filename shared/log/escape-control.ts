/** C0 and C1 control characters, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Makes text safe to print on one terminal line: control characters (escape sequences that
 * move the cursor or recolour the screen, CR/LF that would forge a second log line) become
 * visible `\xNN` / `\uNNNN` escapes. Text without any is returned as is.
 *
 * @example
 *   escapeControl("/x\u001b[2K") // "/x\\x1b[2K"
 */
export function escapeControl(text: string): string {
  if (!CONTROL.test(text)) return text;
  return text.replace(CONTROL_ALL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`;
  });
}
