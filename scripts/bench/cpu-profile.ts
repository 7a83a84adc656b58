/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): self time per function and per
 * module, with bundle positions mapped back to their sources through the bundle's map.
 *
 * @example
 *   const s = summarizeProfile("CPU.2024.cpuprofile", { bundle: "dist/cli/ociai-proxy.js" });
 *   s.byModule.slice(0, 10);
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { SourceMapIndex } from "./source-map";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const REPO_ROOT = resolve(__dirname, "../..");

export interface ProfileEntry {
  name: string;
  where: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Non-idle time. */
  busyMs: number;
  byFunction: ProfileEntry[];
  byModule: ProfileEntry[];
}

export function summarizeProfile(file: string, opts: { bundle?: string } = {}): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const map = opts.bundle && existsSync(`${opts.bundle}.map`) ? SourceMapIndex.load(`${opts.bundle}.map`) : undefined;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));

  // A sample's duration is the gap to the next sample.
  const selfUs = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + Math.max(0, dt));
  }

  const fn = new Map<string, { name: string; where: string; us: number }>();
  const mod = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber, columnNumber } = node.callFrame;
    totalUs += us;
    if (functionName === "(idle)") {
      idleUs += us;
      continue;
    }
    const source = sourceOf(url, lineNumber, columnNumber, opts.bundle, map);
    const name = functionName || "(anonymous)";
    const key = `${name}@${source}`;
    const entry = fn.get(key) ?? { name, where: source, us: 0 };
    entry.us += us;
    fn.set(key, entry);
    const module = moduleOf(source, functionName);
    mod.set(module, (mod.get(module) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const share = (us: number) => (busyUs > 0 ? us / busyUs : 0);
  return {
    totalMs: totalUs / 1000,
    busyMs: busyUs / 1000,
    byFunction: [...fn.values()]
      .sort((a, b) => b.us - a.us)
      .map((e) => ({ name: e.name, where: e.where, selfMs: e.us / 1000, share: share(e.us) })),
    byModule: [...mod.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([name, us]) => ({ name, where: "", selfMs: us / 1000, share: share(us) })),
  };
}

function sourceOf(url: string, line: number, column: number, bundle: string | undefined, map: SourceMapIndex | undefined): string {
  if (!url) return "(native)";
  if (bundle && map && url.endsWith(bundle.replace(/^.*\/dist\//, "dist/"))) {
    const src = map.sourceAt(line, column);
    // Sources are relative to the bundle's folder: name them from the repository root.
    if (src) return relative(REPO_ROOT, resolve(dirname(bundle), src));
  }
  return url.replace(/^file:\/\//, "");
}

/** node_modules/<pkg>, shared/<folder>, node:internal area, or the V8 pseudo-frame. */
function moduleOf(source: string, functionName: string): string {
  if (source === "(native)") return functionName.startsWith("(") ? functionName : "(native code)";
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (nm) return nm[1];
  const shared = /(?:^|\/)(shared\/[^/]+)\//.exec(source);
  if (shared) return shared[1];
  if (source.startsWith("node:")) {
    const parts = source.split("/");
    return parts.slice(0, Math.min(parts.length - 1, 3)).join("/") || source;
  }
  return source;
}
