import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SourceMapIndex } from "./source-map";

const dir = "/tmp/prof";
const counts = JSON.parse(readFileSync(join(dir, "counts.json"), "utf8"));
const map = SourceMapIndex.load("dist/cli/ociai-proxy.js.map");

function load(name: string) {
  const d = join(dir, name);
  const f = readdirSync(d).find((x) => x.endsWith(".cpuprofile"))!;
  return JSON.parse(readFileSync(join(d, f), "utf8"));
}
function where(cf: any): string {
  if (!cf.url) return "(native)";
  if (cf.url.includes("ociai-proxy.js")) {
    const s = map.sourceAt(cf.lineNumber, cf.columnNumber);
    if (s) return s.replace(/^(\.\.\/)+/, "");
  }
  return cf.url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "nm/");
}
function analyze(name: string) {
  const p = load(name);
  const byId = new Map<number, any>(p.nodes.map((n: any) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    let id: number | undefined = p.samples[i];
    const n0 = byId.get(id!);
    if (n0.callFrame.functionName === "(idle)") continue;
    const key0 = `${n0.callFrame.functionName || "(anon)"} @ ${where(n0.callFrame)}`;
    self.set(key0, (self.get(key0) ?? 0) + dt);
    const seen = new Set<string>();
    while (id !== undefined) {
      const n = byId.get(id);
      const key = `${n.callFrame.functionName || "(anon)"} @ ${where(n.callFrame)}`;
      if (!seen.has(key)) {
        seen.add(key);
        incl.set(key, (incl.get(key) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  return { self, incl, n: counts[name] };
}
const pr = analyze("proxy");
const mi = analyze("minimal");
const per = (m: Map<string, number>, n: number) => new Map([...m].map(([k, v]) => [k, v / n]));
const ps = per(pr.self, pr.n), ms = per(mi.self, mi.n), pi = per(pr.incl, pr.n);
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
console.log("busy µs/request: proxy", total(ps).toFixed(0), "minimal", total(ms).toFixed(0));
const arg = process.argv[2] ?? "self";
if (arg === "self") {
  const rows = [...ps].map(([k, v]) => [k, v, ms.get(k) ?? 0] as const).sort((a, b) => (b[1] - b[2]) - (a[1] - a[2])).slice(0, 45);
  for (const [k, v, m] of rows) console.log(`${(v - m).toFixed(1).padStart(7)} ${v.toFixed(1).padStart(7)} ${m.toFixed(1).padStart(7)}  ${k}`);
} else {
  const rows = [...pi].filter(([k]) => k.includes(arg)).sort((a, b) => b[1] - a[1]).slice(0, 60);
  for (const [k, v] of rows) console.log(`${v.toFixed(1).padStart(7)}  ${k}`);
}
