import { scanIniLines, type IniLine } from "./scan-ini-lines";

/**
 * Returns `text` with the effective `api_key` set to `key`, touching nothing else: the
 * existing line keeps its indentation, spacing and inline comment; a missing line is
 * inserted after the `[DEFAULT]` header (single-account) or at the top level, just before
 * the first section and the comments introducing it (multi-account, or no [DEFAULT]).
 * The effective line is the last one in [DEFAULT], else the last top-level one — the one
 * `ini` would have read (keys before any section count as [DEFAULT], as in go-ini).
 *
 * @example
 *   setApiKeyLine("api_key = auto_generated_key  # note\n", "single", "sk-oci-x")
 *   // "api_key = sk-oci-x  # note\n"
 */
export function setApiKeyLine(text: string, mode: "single" | "multi", key: string): string {
  // Keep a BOM at the very start even when a line is inserted before the first one.
  const bom = text.startsWith("\uFEFF") ? "\uFEFF" : "";
  return bom + setLine(text.slice(bom.length), mode, key);
}

function setLine(text: string, mode: "single" | "multi", key: string): string {
  const lines = text.split("\n");
  const scanned = scanIniLines(text);
  const eol = text.includes("\r\n") ? "\r" : "";
  const isApiKey = (section: string) => (line: IniLine) => line.kind === "key" && line.key === "api_key" && line.section === section;
  const existing = scanned.findLast(isApiKey("DEFAULT")) ?? scanned.findLast(isApiKey(""));
  if (existing) {
    const line = lines[existing.index];
    lines[existing.index] = replaceValue(line.replace(/\r$/, ""), key) + (line.endsWith("\r") ? "\r" : "");
    return lines.join("\n");
  }
  const newLine = `api_key = ${key}${eol}`;
  const defaultHeader = scanned.find((line) => line.kind === "section" && line.section === "DEFAULT");
  if (mode === "single" && defaultHeader) {
    lines.splice(defaultHeader.index + 1, 0, newLine);
    return lines.join("\n");
  }
  const firstHeader = scanned.find((line) => line.kind === "section");
  if (!firstHeader) {
    // No sections: append (before the final newline's empty remainder, if any).
    const at = lines[lines.length - 1] === "" ? lines.length - 1 : lines.length;
    lines.splice(at, 0, newLine);
    return lines.join("\n");
  }
  // Comments right above the first header describe that section: go above them.
  let at = firstHeader.index;
  while (at > 0 && scanned[at - 1].kind === "comment") at--;
  lines.splice(at, 0, newLine, eol);
  return lines.join("\n");
}

/** `name = old  # note` -> `name = key  # note`, keeping the line's own spacing. */
function replaceValue(line: string, key: string): string {
  const eq = line.indexOf("=");
  if (eq < 0) {
    // A bare `api_key` (ini reads it as true), possibly followed by a comment.
    const at = commentStart(line);
    const name = (at < 0 ? line : line.slice(0, at)).trimEnd();
    return `${name} = ${key}${at < 0 ? "" : line.slice(name.length)}`;
  }
  const head = line.slice(0, eq + 1);
  const rest = line.slice(eq + 1);
  const at = commentStart(rest);
  const value = at < 0 ? rest : rest.slice(0, at);
  const before = /^\s*/.exec(value)![0] || (/\s=$/.test(head) ? " " : "");
  const gap = at < 0 ? "" : /\s*$/.exec(value)![0] || " ";
  return `${head}${before}${key}${at < 0 ? "" : gap + rest.slice(at)}`;
}

/** Index of the inline comment, by `ini`'s rules (first unescaped # or ;, none in a quoted value). */
function commentStart(text: string): number {
  const trimmed = text.trim();
  if (trimmed.length > 1 && /^(".*"|'.*')$/.test(trimmed)) return -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "#" || text[i] === ";") return i;
  }
  return -1;
}
