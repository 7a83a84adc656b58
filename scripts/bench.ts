/**
 * `npm run bench [-- --quick]`: benchmarks the proxy against the OCI simulator (and the
 * Portkey gateway as a peer), prints a table per run and writes docs/benchmarks.md with
 * two SVG charts. Every server runs in its own process: the simulator
 * (`node --import tsx scripts/simulator.ts`), the built CLI (`dist/cli/ociai-proxy.js`),
 * Portkey (`start-server.js`); the load generator runs here. Loopback only.
 *
 *   --quick         about a minute: fewer concurrency levels, shorter slices
 *   --only LIST     comma-separated runs: latency,streams,resources,scaling,faults,cold,profile
 *   --profile       add the CPU profile run in quick mode (full mode runs it by default)
 *   --no-profile    skip the CPU profile run
 *   --no-portkey    do not start the Portkey gateway
 *   --no-write      print only; leave docs/ alone
 *   --keep-logs     keep the scratch directory (keys, configs, child logs)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { progress, type BenchContext } from "./bench/context";
import { startCoreStack, type CoreStack } from "./bench/core-stack";
import { closePools } from "./bench/load";
import { machineInfo } from "./bench/proc-stats";
import { installCleanup, onInterrupt, PROXY_CLI, ROOT, stopAll } from "./bench/processes";
import { num, writeReport, type Section } from "./bench/report";
import { runColdStart } from "./bench/run-cold-start";
import { runFaults } from "./bench/run-faults";
import { runLatency, type LatencyRun } from "./bench/run-latency";
import { runPoolScaling, type ScalingPoint } from "./bench/run-pool-scaling";
import { runProfile } from "./bench/run-profile";
import { runResources } from "./bench/run-resources";
import { runStreams } from "./bench/run-streams";
import { barChart } from "./bench/svg-chart";
import { latencyChart } from "./bench/svg-latency-chart";

const RUNS = ["latency", "streams", "resources", "scaling", "faults", "cold", "profile"] as const;
type RunName = (typeof RUNS)[number];

const DOC = join(ROOT, "docs/benchmarks.md");
const LATENCY_SVG = join(ROOT, "docs/benchmarks-latency.svg");
const THROUGHPUT_SVG = join(ROOT, "docs/benchmarks-throughput.svg");

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      profile: { type: "boolean" },
      "no-profile": { type: "boolean", default: false },
      "no-portkey": { type: "boolean", default: false },
      "no-write": { type: "boolean", default: false },
      "keep-logs": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      "usage: npm run bench [-- --quick] [--only latency,streams,resources,scaling,faults,cold,profile] [--profile|--no-profile] [--no-portkey] [--no-write] [--keep-logs]\n",
    );
    return;
  }
  const quick = values.quick;
  const only = values.only ? new Set(values.only.split(",").map((s) => s.trim())) : undefined;
  for (const name of only ?? []) if (!RUNS.includes(name as RunName)) throw new Error(`--only: unknown run "${name}" (${RUNS.join(", ")})`);
  const wants = (name: RunName) => {
    if (only) return only.has(name);
    if (name === "profile") return values["no-profile"] ? false : (values.profile ?? !quick);
    return true;
  };

  installCleanup();
  const started = Date.now();
  ensureBuilt();

  const dir = mkdtempSync(join(tmpdir(), "ociai-bench-"));
  const logDir = join(dir, "logs");
  mkdirSync(logDir);
  const dropScratch = onInterrupt(() => {
    if (!values["keep-logs"]) rmSync(dir, { recursive: true, force: true });
  });
  const ctx: BenchContext = { quick, dir, logDir, portkey: !values["no-portkey"] };
  progress(`${quick ? "quick" : "full"} mode; scratch and child logs in ${dir}`);

  const sections: Section[] = [];
  let failed = false;
  const attempt = async <T>(title: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (err) {
      failed = true;
      const message = (err as Error).message ?? String(err);
      process.stderr.write(`bench: ${title} failed: ${(err as Error).stack ?? message}\n`);
      sections.push({ title, method: [], tables: [], error: message.split("\n")[0] });
      return undefined;
    }
  };

  let latency: LatencyRun | undefined;
  let stack: CoreStack | undefined;
  let portkeyNote: string | undefined;
  let scaling: ScalingPoint[] | undefined;
  const charts: string[] = [];

  if (wants("latency") || wants("streams") || wants("resources")) {
    stack = await attempt("Start-up (simulator, proxies, Portkey)", () => startCoreStack(ctx));
    if (stack) {
      portkeyNote = stack.portkey ? undefined : stack.portkeyUnavailable;
      if (portkeyNote) progress(`Portkey unavailable: ${portkeyNote}`);
    }
  }
  if (stack && wants("latency")) {
    latency = await attempt("Latency and throughput (non-stream)", () => runLatency(ctx, stack!));
    if (latency) {
      if (portkeyNote) latency.section.findings = [...(latency.section.findings ?? []), `Portkey gateway: unavailable — ${portkeyNote}`];
      sections.push(latency.section);
      charts.push(...writeCharts(latency, !values["no-write"]));
      latency.section.extra = charts.map((c) => `![${c}](${c})`);
    }
  }
  if (stack && wants("streams")) {
    const s = await attempt("Streams: time to first token and total time", () => runStreams(ctx, stack!));
    if (s) sections.push(s);
  }
  if (wants("resources")) {
    const s = await attempt("Resources: memory, CPU per request, 500 open streams", () =>
      stack ? runResources(ctx, stack, latency) : Promise.reject(new Error("core stack did not start")),
    );
    if (s) sections.push(s);
  }
  if (stack) {
    await stack.stop();
    await closePools();
  }
  if (wants("scaling")) {
    const s = await attempt("Pool scaling: more accounts, more throughput", () => runPoolScaling(ctx));
    if (s) {
      sections.push(s.section);
      scaling = s.points;
    }
    await closePools();
  }
  if (wants("faults")) {
    const s = await attempt("Failover with one failing account", () => runFaults(ctx));
    if (s) sections.push(s);
    await closePools();
  }
  if (wants("cold")) {
    const s = await attempt("Cold start and bundle size", () => runColdStart(ctx));
    if (s) sections.push(s);
  }
  if (wants("profile")) {
    const s = await attempt("Where the proxy's CPU goes (profile)", () => runProfile(ctx));
    if (s) sections.push(s);
    await closePools();
  }
  await stopAll();

  const seconds = (Date.now() - started) / 1000;
  if (!values["no-write"]) {
    const m = machineInfo();
    writeReport(DOC, {
      title: "Benchmarks",
      generated: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
      mode: quick ? "quick" : "full",
      machine: [
        `${m.nproc} cores (\`nproc\`), ${m.cpu}, ${m.memGiB} GiB RAM, Linux ${m.kernel}`,
        `Node ${m.node}; everything (load generator, simulator processes, proxy, Portkey) shares these cores, over loopback (127.0.0.1)`,
        `whole run: ${num(seconds, 0)} s`,
      ],
      answer: answer(latency),
      summary: summary(latency, scaling, sections),
      method: [
        "Every server runs in its own process: the OCI simulator (`node --import tsx scripts/simulator.ts`, which verifies each request's RSA signature like OCI), the proxy as built (`node dist/cli/ociai-proxy.js -port 0 -config F`, request logs to a file) and the Portkey gateway (`node node_modules/@portkey-ai/gateway/build/start-server.js`). The load generator runs in the bench process: closed loop, undici keep-alive pools, one connection per worker. Keys are throwaway RSA-2048 pairs from `generateTestAccount()`.",
        "The baseline, \"direct to OCI\", is the same call made straight to the simulator, signed by the load generator as any client calling OCI itself must sign it: it is the least any gateway can cost, so a gateway's figure minus the direct one is what the gateway adds. Where paths are compared they run in interleaved rounds in the same run (A B C D, B C D A, …) so drift in the machine's state hits all of them alike. Latency is measured from making the request (the direct path signs it then) to the last body byte. Percentiles are nearest-rank over all requests of all rounds.",
        "These figures are relative: on 2 shared cores the load generator, the simulator and the gateway compete for CPU, so absolute throughput is a property of this machine; differences between paths measured in the same run are the point.",
      ],
      sections,
      reproduce: [
        "```bash\nnpm ci                       # builds dist/ too (prepare)\nnpm run bench                # full run, about 3½ minutes; rewrites this page and the two SVGs\nnpm run bench -- --quick     # about a minute\nnpm run bench -- --only latency,streams --no-write\n```",
        "Options: `--quick`, `--only latency,streams,resources,scaling,faults,cold,profile`, `--profile` / `--no-profile` (the CPU profile runs by default in full mode only), `--no-portkey`, `--no-write` (print only), `--keep-logs` (keep the scratch directory with keys, configs and every child's log). The bench rebuilds `dist/` first when it is missing or older than the sources. Ctrl-C stops every child process.",
        "The code: `scripts/bench.ts` (orchestration) and `scripts/bench/` — `processes.ts` (spawning, clean-up), `load.ts` (load generator, percentiles), `proc-stats.ts` (/proc CPU and RSS), `svg-chart.ts`, `report.ts`, `fixtures.ts` (keys, configs, request targets), one `run-*.ts` per run, `cpu-profile.ts` + `source-map.ts` (profile summary).",
      ],
    });
    progress(`wrote ${relative(ROOT, DOC)}${charts.length ? ` and ${charts.join(", ")}` : ""}`);
  }
  dropScratch();
  if (values["keep-logs"] || failed) progress(`scratch directory kept: ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  progress(`done in ${num(seconds, 0)} s${failed ? " (with failures)" : ""}`);
  process.exitCode = failed ? 1 : 0;
}

/** Rebuilds dist/ when it is missing or older than the sources it is built from. */
function ensureBuilt(): void {
  const outputs = [PROXY_CLI, join(ROOT, "dist/aws/chat/index.js"), join(ROOT, "dist/oci/chat/func.js")];
  const missing = outputs.some((f) => !existsSync(f));
  const builtAt = missing ? 0 : Math.min(...outputs.map((f) => statSync(f).mtimeMs));
  const newest = Math.max(newestMtime(join(ROOT, "shared")), newestMtime(join(ROOT, "functions")), newestMtime(join(ROOT, "scripts/lib")), statSync(join(ROOT, "scripts/ociai-proxy.ts")).mtimeMs);
  if (!missing && newest <= builtAt) return;
  progress(missing ? "dist/ is missing: building" : "dist/ is older than the sources: rebuilding");
  try {
    execFileSync(process.execPath, ["scripts/build.mjs", "--quiet"], { cwd: ROOT, stdio: "inherit" });
  } catch (err) {
    if (missing) throw err;
    progress(`build failed (${(err as Error).message.split("\n")[0]}); benchmarking the existing dist/`);
  }
}

function newestMtime(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** The latency and throughput charts (SVG files next to the report). */
function writeCharts(run: LatencyRun, write: boolean): string[] {
  const groups = run.levels.map((c) => `concurrency ${c}`);
  const series = run.paths.map((p) => p.target);
  const latency = latencyChart({
    title: "Non-stream latency, p50 and p99",
    subtitle: "ms, lower is better; (+x) = added to the direct call; every panel has its own scale from 0",
    blocks: run.levels.map((c) => ({
      label: `concurrency ${c}`,
      rows: run.paths.map((p) => ({ name: p.target, p50: p.byConcurrency.get(c)!.summary.p50, p99: p.byConcurrency.get(c)!.summary.p99 })),
    })),
  });
  const throughput = barChart({
    title: "Non-stream throughput",
    subtitle: "requests per second, higher is better; load generator, simulator and gateway share 2 cores",
    unit: "req/s",
    groups,
    series,
    values: run.levels.map((c) => run.paths.map((p) => p.byConcurrency.get(c)!.summary.rps)),
  });
  if (write) {
    mkdirSync(join(ROOT, "docs"), { recursive: true });
    writeFileSync(LATENCY_SVG, latency);
    writeFileSync(THROUGHPUT_SVG, throughput);
  }
  return ["benchmarks-latency.svg", "benchmarks-throughput.svg"];
}

/**
 * The one-line answer the report opens with: what the proxy adds to a call, against the
 * direct call and against Portkey, from the latency run.
 */
function answer(latency: LatencyRun | undefined): string | undefined {
  const direct = latency?.paths[0];
  const proxy = latency?.paths.find((p) => p.target === "proxy, 1 account");
  if (!latency || !direct || !proxy) return undefined;
  const portkey = latency.paths.find((p) => p.target.startsWith("Portkey"));
  const c1 = (p: typeof direct) => p.byConcurrency.get(1)!.summary;
  const best = (p: typeof direct) => Math.max(...latency.levels.map((c) => p.byConcurrency.get(c)!.summary.rps));
  const added = (p: typeof direct) => `${num(c1(p).p50 - c1(direct).p50)} ms at p50 (${num(c1(p).p99 - c1(direct).p99)} ms at p99)`;
  return (
    `**In one line:** the proxy adds ${added(proxy)} to a call at concurrency 1 over calling OCI directly, and serves up to ${num(best(proxy), 0)} requests/s ` +
    `on this 2-core machine where direct calls reach ${num(best(direct), 0)}` +
    (portkey ? `; the Portkey gateway adds ${added(portkey)} and serves up to ${num(best(portkey), 0)}.` : ".")
  );
}

/** A few headline figures for the top of the report. */
function summary(latency: LatencyRun | undefined, scaling: ScalingPoint[] | undefined, sections: Section[]): string[] {
  const out: string[] = [];
  if (latency) {
    const floor = latency.paths[0];
    const single = latency.paths.find((p) => p.target === "proxy, 1 account");
    const portkey = latency.paths.find((p) => p.target.startsWith("Portkey"));
    const c1 = (p: typeof floor) => p.byConcurrency.get(1)!;
    if (single) {
      out.push(
        `Added latency of the proxy at concurrency 1: ${num(c1(single).summary.p50 - c1(floor).summary.p50)} ms at p50, ${num(c1(single).summary.p99 - c1(floor).summary.p99)} ms at p99 (a direct call takes ${num(c1(floor).summary.p50)} ms at p50); ${num(c1(single).gatewayCpuMsPerReq)} ms of proxy CPU per request.`,
      );
      if (portkey) {
        out.push(
          `Portkey gateway 1.15.2 on the same calls: +${num(c1(portkey).summary.p50 - c1(floor).summary.p50)} ms at p50, ${num(c1(portkey).gatewayCpuMsPerReq)} ms CPU per request.`,
        );
      }
      const top = latency.levels[latency.levels.length - 1];
      const best = (p: typeof floor) => Math.max(...latency.levels.map((c) => p.byConcurrency.get(c)!.summary.rps));
      out.push(`Peak throughput on this machine: direct ${num(best(floor), 0)} req/s, proxy ${num(best(single), 0)} req/s${portkey ? `, Portkey ${num(best(portkey), 0)} req/s` : ""} (levels up to concurrency ${top}).`);
    }
  }
  if (scaling) {
    const limited = scaling.filter((p) => p.variant.startsWith("proxy max_concurrency"));
    const top = limited[limited.length - 1];
    if (top && limited[0]) {
      const rejected = limited.reduce((n, p) => n + p.ociRejected, 0);
      const errors = limited.reduce((n, p) => n + p.clientErrors, 0);
      out.push(
        `Pool scaling with the proxy's max_concurrency: ${num(top.rps / limited[0].rps, 2)}× the throughput of one account with ${top.n} accounts (${num((top.rps / limited[0].rps / top.n) * 100, 0)}% of linear; target ≥ 90%); ${errors} client errors and ${rejected} OCI 429s over all N.`,
      );
    }
  }
  for (const s of sections) for (const h of s.headlines ?? []) out.push(h);
  const failedRuns = sections.filter((s) => s.error).map((s) => s.title);
  if (failedRuns.length) out.push(`Failed runs: ${failedRuns.join("; ")}.`);
  return out;
}

main().catch(async (err) => {
  process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`);
  await stopAll().catch(() => undefined);
  process.exit(1);
});
