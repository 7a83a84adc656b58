/**
 * Run 6: cold start — module init time of the serverless bundles (a fresh `node` that
 * requires the bundle, minus a bare `node` baseline; median of several runs) and the size
 * of every bundle.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { BenchContext } from "./context";
import { printTable, progress } from "./context";
import { percentile } from "./load";
import { PROXY_CLI, ROOT } from "./processes";
import { num, type Section, type Table } from "./report";

/**
 * Runs in the child: times from process start (performance.timeOrigin) to the end of the
 * require, with the Lambda runtime's `awslambda` global stubbed for streaming handlers.
 */
const CHILD = `
const boot = performance.now();
if (process.env.BENCH_AWSLAMBDA) globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };
if (process.env.BENCH_BUNDLE) require(process.env.BENCH_BUNDLE);
const done = performance.now();
process.stdout.write(JSON.stringify({ boot, done }));
process.exit(0);
`;

interface Bundle {
  name: string;
  file: string;
  env: Record<string, string>;
}

export async function runColdStart(ctx: BenchContext): Promise<Section> {
  const runs = ctx.quick ? 5 : 15;
  const awsBundles = listBundles("dist/aws", "index.js");
  const ociBundles = listBundles("dist/oci", "func.js");
  if (awsBundles.length === 0) throw new Error("dist/aws/*/index.js missing: run `node scripts/build.mjs`");
  const fnDir = mkdtempSync(join(ctx.dir, "fn-"));
  const timed: Bundle[] = [
    ...awsBundles.map((file) => ({ name: `aws/${bundleName(file)}`, file, env: { BENCH_AWSLAMBDA: "1" } as Record<string, string> })),
    // The FDK starts listening on FN_LISTENER when the module runs: give it a throwaway socket path.
    ...ociBundles
      .filter((file) => bundleName(file) === "chat")
      .map((file) => ({ name: "oci/chat", file, env: { FN_FORMAT: "http-stream", FN_LISTENER: `unix:${join(fnDir, "fn.sock")}` } })),
  ];

  progress(`cold start: ${runs} runs of ${timed.length} bundles + baseline`);
  const baseline: number[] = [];
  const results = new Map<string, { done: number[]; requireOnly: number[] }>(timed.map((b) => [b.name, { done: [], requireOnly: [] }]));
  // One discarded round first: page cache and V8's compile cache for node itself.
  for (let r = -1; r < runs; r++) {
    if (r < 0) {
      await child(undefined, {}, ROOT);
      for (const b of timed) await child(b.file, b.env, dirname(b.file));
      continue;
    }
    baseline.push((await child(undefined, {}, ROOT)).done);
    for (const b of timed) {
      const t = await child(b.file, b.env, dirname(b.file));
      results.get(b.name)!.done.push(t.done);
      results.get(b.name)!.requireOnly.push(t.done - t.boot);
    }
  }
  rmSync(fnDir, { recursive: true, force: true });
  const median = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
  const base = median(baseline);

  const init: Table = {
    title: `Module init time (ms, median of ${runs} fresh processes)`,
    columns: ["bundle", "process start → require done", "bare node baseline", "init (paired difference)", "require() alone", "require() alone, min–max"],
    rows: timed.map((b) => {
      const r = results.get(b.name)!;
      // Paired with the baseline of the same round, so drift between rounds cancels out.
      const inits = r.done.map((d, i) => d - baseline[i]);
      return [
        b.name,
        num(median(r.done), 1),
        num(base, 1),
        num(median(inits), 1),
        num(median(r.requireOnly), 1),
        `${num(Math.min(...r.requireOnly), 1)}–${num(Math.max(...r.requireOnly), 1)}`,
      ];
    }),
    notes: [
      "times from the child's performance.timeOrigin; init = (start → require done) minus the bare baseline of the same round, median over rounds; require() alone = the require call itself, timed inside one process; `awslambda` stubbed for the AWS bundles; the OCI bundle starts the FDK on a throwaway unix socket",
      "the paired difference subtracts two separate process start-ups, which on these busy shared cores vary by tens of ms either way, so a single round's difference can even come out negative: read its median, or the require() alone columns, which have no such noise",
    ],
  };
  const sizes: Table = {
    title: "Bundle sizes",
    columns: ["bundle", "KiB", "gzip KiB"],
    rows: [...awsBundles, ...ociBundles, PROXY_CLI].filter(existsSync).map((file) => {
      const bytes = readFileSync(file);
      return [file.slice(ROOT.length + 1), num(statSync(file).size / 1024, 0), num(gzipSync(bytes).length / 1024, 0)];
    }),
    notes: ["source maps (.map) not counted; the CLI bundle keeps the OCI SDK external"],
  };
  printTable(init);
  printTable(sizes);
  return {
    title: "Cold start and bundle size",
    method: [
      `Each measurement is a fresh \`node -e\` process that stubs \`globalThis.awslambda\` (AWS bundles) and \`require()\`s the bundle, reporting \`performance.now()\` (ms since the process started) when the require returns; the baseline is the same script without the require. One discarded warm-up round, then ${runs} rounds, interleaved (baseline, every bundle, …), medians. The working directory is the bundle's folder, as on Lambda.`,
    ],
    tables: [init, sizes],
  };
}

function listBundles(dir: string, file: string): string[] {
  const root = join(ROOT, dir);
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((fn) => join(root, fn, file))
    .filter(existsSync)
    .sort();
}

function bundleName(file: string): string {
  return dirname(file).split("/").pop()!;
}

function child(bundle: string | undefined, env: Record<string, string>, cwd: string): Promise<{ boot: number; done: number }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", CHILD],
      { cwd, env: { ...process.env, ...env, BENCH_BUNDLE: bundle ?? "" }, timeout: 20_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${bundle ?? "baseline"}: ${err.message}\n${stderr}`));
        try {
          resolve(JSON.parse(stdout.slice(stdout.lastIndexOf("{"))));
        } catch {
          reject(new Error(`${bundle ?? "baseline"}: unexpected output ${stdout.slice(0, 200)} ${stderr.slice(0, 200)}`));
        }
      },
    );
  });
}
