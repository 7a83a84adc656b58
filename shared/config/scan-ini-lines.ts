import { unsafe } from "ini";

export interface IniLine {
  /** 0-based line number in the original text. */
  index: number;
  /** "junk" = a line `ini` ignores (e.g. one starting with "="). */
  kind: "blank" | "comment" | "section" | "key" | "junk";
  /** Section the line belongs to ("" before the first header); a header's own name. */
  section: string;
  /** Key name as `ini` decodes it (kind "key" only). */
  key?: string;
  /** The line as handed to `ini` (headers rewritten to the plain `[name]` form). */
  normalized: string;
}

/** Headers as people write them: `ini` itself only accepts `[name]` at column 1 with nothing after. */
const HEADER = /^\s*\[([^\]]*)\]\s*(?:[#;].*)?$/;
/** `ini`'s own key line pattern: everything before the first "=" is the key. */
const KEY = /^([^=]+)(=(.*))?$/;

/**
 * Splits INI text into classified lines, following the `ini` package's grammar so that
 * locations found here (for duplicate checks, file order, in-place edits) match what
 * `ini.decode` reads. Two deliberate extensions: a UTF-8 BOM is ignored, and section
 * headers may be indented or carry a trailing comment — `ini` would otherwise read
 * `[GLOBAL]  # pool settings` as a key named "[GLOBAL]" and silently merge sections.
 *
 * @example
 *   scanIniLines("a = 1\n[S] # c\nb = 2").map((l) => [l.kind, l.section, l.key])
 *   // [["key", "", "a"], ["section", "S", undefined], ["key", "S", "b"]]
 */
export function scanIniLines(text: string): IniLine[] {
  let section = "";
  return text.split("\n").map((raw, index) => {
    const line = (index === 0 ? raw.replace(/^\uFEFF/, "") : raw).replace(/\r$/, "");
    if (/^\s*$/.test(line)) return { index, kind: "blank", section, normalized: line };
    if (/^\s*[;#]/.test(line)) return { index, kind: "comment", section, normalized: line };
    const header = HEADER.exec(line);
    if (header) {
      section = unsafe(header[1]);
      return { index, kind: "section", section, normalized: `[${header[1]}]` };
    }
    const key = KEY.exec(line);
    if (!key) return { index, kind: "junk", section, normalized: line };
    const name = unsafe(key[1]).replace(/\[\]$/, "");
    return { index, kind: "key", section, key: name, normalized: line };
  });
}
