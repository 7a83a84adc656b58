/**
 * A minimal source map reader (v3 `mappings`, base64 VLQ): maps a generated line/column of
 * a bundle back to its source file, so a CPU profile of `dist/cli/ociai-proxy.js` can say
 * which package or module the time went to.
 *
 * @example
 *   const map = SourceMapIndex.load("dist/cli/ociai-proxy.js.map");
 *   map.sourceAt(1234, 56); // "../../node_modules/undici/lib/dispatcher/client-h1.js"
 */
import { readFileSync } from "node:fs";

const B64 = new Map([..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].map((c, i) => [c, i]));

export class SourceMapIndex {
  /** Per generated line: [generatedColumn, sourceIndex] pairs in column order. */
  private readonly lines: Int32Array[] = [];

  private constructor(readonly sources: string[], mappings: string) {
    let source = 0;
    for (const line of mappings.split(";")) {
      const pairs: number[] = [];
      let col = 0;
      if (line) {
        for (const segment of line.split(",")) {
          if (!segment) continue;
          const v = decodeVlq(segment);
          col += v[0];
          // Fields after the column are deltas too; only the source index matters here.
          if (v.length >= 4) {
            source += v[1];
            pairs.push(col, source);
          }
        }
      }
      this.lines.push(Int32Array.from(pairs));
    }
  }

  static load(file: string): SourceMapIndex {
    const map = JSON.parse(readFileSync(file, "utf8")) as { sources: string[]; mappings: string };
    return new SourceMapIndex(map.sources, map.mappings);
  }

  /** The source file for a 0-based generated line and column, or undefined. */
  sourceAt(line: number, column: number): string | undefined {
    const pairs = this.lines[line];
    if (!pairs || pairs.length === 0) return undefined;
    let lo = 0;
    let hi = pairs.length / 2 - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (pairs[mid * 2] <= column) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) found = 0;
    return this.sources[pairs[found * 2 + 1]];
  }
}

function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64.get(ch);
    if (digit === undefined) throw new Error(`bad base64 VLQ digit ${ch}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      const negative = value & 1;
      value >>>= 1;
      out.push(negative ? -value : value);
      value = 0;
      shift = 0;
    }
  }
  return out;
}
