/**
 * Child processes for the benchmarks: the OCI simulator, the built `ociai-proxy` CLI and
 * the Portkey gateway, each in its own process with its output in a log file (a pipe
 * would make the bench process pay for draining the proxy's request logs).
 *
 * Every child is tracked: {@link installCleanup} kills whatever is still running when the
 * bench ends, fails, or gets Ctrl-C.
 *
 * @example
 *   installCleanup();
 *   const sim = await startSimulatorProcess({ accountsFile, logDir });
 *   const proxy = await startProxyProcess({ configFile, logDir });
 *   ...
 *   await stopAll();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import type { FaultPlan, SimulatorStats } from "../../test/simulator";
import { MODEL, OCI_MODEL, type BenchAccount } from "./fixtures";
import proxyNodeFlags from "../lib/proxy-node-flags.json";

export const ROOT = resolve(__dirname, "../..");
export const PROXY_CLI = join(ROOT, "dist/cli/ociai-proxy.js");
export const PORTKEY_SERVER = join(ROOT, "node_modules/@portkey-ai/gateway/build/start-server.js");
/** Preload that binds servers which pass no host to 127.0.0.1 (Portkey has no host flag). */
const LOOPBACK_PRELOAD = join(__dirname, "loopback-only.cjs");

export interface Spawned {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  exited: boolean;
}

const live = new Set<Spawned>();
let logSeq = 0;

/** Starts a process with stdout and stderr appended to `<logDir>/<name>.log`. */
export function spawnLogged(name: string, command: string, args: string[], opts: { logDir: string; env?: NodeJS.ProcessEnv; cwd?: string }): Spawned {
  const logFile = join(opts.logDir, `${String(++logSeq).padStart(2, "0")}-${name}.log`);
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(command, args, { cwd: opts.cwd ?? ROOT, env: { ...process.env, ...opts.env }, stdio: ["ignore", fd, fd] });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  const spawned: Spawned = { name, child, pid: child.pid, logFile, exited: false };
  live.add(spawned);
  child.once("exit", () => {
    spawned.exited = true;
    live.delete(spawned);
  });
  return spawned;
}

/** Polls the child's log until `pattern` matches; fails if the child exits or time runs out. */
export async function waitForLog(s: Spawned, pattern: RegExp, timeoutMs = 20_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = existsSync(s.logFile) ? readFileSync(s.logFile, "utf8") : "";
    const match = pattern.exec(text);
    if (match) return match;
    if (s.exited) throw new Error(`${s.name} exited during start-up:\n${tail(text)}`);
    if (Date.now() > deadline) throw new Error(`${s.name} did not start within ${timeoutMs} ms:\n${tail(text)}`);
    await sleep(25);
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stopProcess(s: Spawned, graceMs = 2_000): Promise<void> {
  if (s.exited) return;
  const exited = new Promise<void>((done) => s.child.once("exit", () => done()));
  s.child.kill("SIGTERM");
  const timer = setTimeout(() => {
    if (!s.exited) s.child.kill("SIGKILL");
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((s) => stopProcess(s)));
}

function killAllNow(): void {
  for (const s of live) {
    try {
      process.kill(s.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

const exitHooks = new Set<() => void>();

/** A synchronous clean-up step to run if the bench is interrupted (SIGINT etc.); returns its remover. */
export function onInterrupt(hook: () => void): () => void {
  exitHooks.add(hook);
  return () => exitHooks.delete(hook);
}

function runExitHooks(): void {
  for (const hook of exitHooks) {
    try {
      hook();
    } catch {
      // best effort
    }
  }
  exitHooks.clear();
}

/** Kills every child on normal exit, on errors and on SIGINT / SIGTERM / SIGHUP. */
export function installCleanup(): void {
  process.on("exit", killAllNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping ${live.size} child process(es)\n`);
      killAllNow();
      runExitHooks();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (err) => {
    process.stderr.write(`bench: ${err.stack ?? err}\n`);
    killAllNow();
    process.exit(1);
  });
}

/** A free TCP port on 127.0.0.1 (for servers that cannot listen on port 0 and report it). */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

// ---------------------------------------------------------------- simulator

export interface SimulatorProcess {
  proc: Spawned;
  url: string;
  setFaults(plan: FaultPlan | null): Promise<void>;
  stats(): Promise<SimulatorStats>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimulatorProcess(opts: {
  accountsFile: string;
  logDir: string;
  name?: string;
  maxConcurrency?: number;
  responseWords?: number;
}): Promise<SimulatorProcess> {
  const args = ["--import", "tsx", "scripts/simulator.ts", "--port", "0", "--host", "127.0.0.1", "--accounts", opts.accountsFile];
  if (opts.maxConcurrency !== undefined) args.push("--max-concurrency", String(opts.maxConcurrency));
  if (opts.responseWords !== undefined) args.push("--response-words", String(opts.responseWords));
  const proc = spawnLogged(opts.name ?? "simulator", process.execPath, args, { logDir: opts.logDir });
  const url = (await waitForLog(proc, /^(http:\/\/127\.0\.0\.1:\d+)$/m))[1];
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(url + path, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`simulator ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    proc,
    url,
    setFaults: async (plan) => void (await control("POST", "/__sim/faults", plan ?? {})),
    stats: () => control("GET", "/__sim/stats") as Promise<SimulatorStats>,
    reset: async () => void (await control("POST", "/__sim/reset")),
    stop: () => stopProcess(proc),
  };
}

// ---------------------------------------------------------------- proxy

export interface ProxyProcess {
  proc: Spawned;
  url: string;
  stop(): Promise<void>;
}

/** The built CLI (`node dist/cli/ociai-proxy.js -port 0 -config F`); `nodeArgs` e.g. `--cpu-prof`. */
export async function startProxyProcess(opts: {
  configFile: string;
  logDir: string;
  multiAccount?: boolean;
  name?: string;
  nodeArgs?: string[];
  /** Another build of the CLI (A/B runs); default dist/cli/ociai-proxy.js. */
  cli?: string;
  /** Extra environment, e.g. OTEL_* to trace. */
  env?: NodeJS.ProcessEnv;
}): Promise<ProxyProcess> {
  const args = [...proxyNodeFlags, ...(opts.nodeArgs ?? []), opts.cli ?? PROXY_CLI, "-port", "0", "-host", "127.0.0.1", "-config", opts.configFile];
  if (opts.multiAccount) args.push("-multi-account");
  const proc = spawnLogged(opts.name ?? "proxy", process.execPath, args, {
    logDir: opts.logDir,
    env: { OCIAI_SHUTDOWN_GRACE_MS: "1000", OCIAI_LOG_FORMAT: "text", ...opts.env },
  });
  const port = Number((await waitForLog(proc, /Starting server on port (\d+)/))[1]);
  return { proc, url: `http://127.0.0.1:${port}`, stop: () => stopProcess(proc, 3_000) };
}

// ---------------------------------------------------------------- minimal translating proxy

export const MINIMAL_PROXY_SOURCE = join(ROOT, "scripts/bench/minimal-proxy.ts");

/**
 * The baseline of scripts/bench/minimal-proxy.ts, bundled by esbuild the way the CLI is and
 * run with the same Node flags, in front of `upstream` with one account's key, serving the
 * bench's model.
 */
export async function startMinimalProxyProcess(opts: {
  logDir: string;
  /** Scratch folder for the bundle. */
  dir: string;
  upstream: string;
  account: BenchAccount;
  /** Extra Node arguments, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
}): Promise<ProxyProcess & { bundle: string }> {
  const { build } = await import("esbuild");
  const outfile = join(opts.dir, "minimal-proxy.js");
  await build({ entryPoints: [MINIMAL_PROXY_SOURCE], outfile, bundle: true, platform: "node", target: "node20", format: "cjs", sourcemap: true, logLevel: "warning" });
  const proc = spawnLogged("minimal-proxy", process.execPath, [...proxyNodeFlags, ...(opts.nodeArgs ?? []), outfile], {
    logDir: opts.logDir,
    env: {
      MINIMAL_UPSTREAM: opts.upstream,
      MINIMAL_KEY_FILE: opts.account.keyFile,
      MINIMAL_KEY_ID: opts.account.keyId,
      MINIMAL_COMPARTMENT: opts.account.account.tenancy,
      MINIMAL_MODELS: JSON.stringify({ [MODEL]: OCI_MODEL }),
    },
  });
  const url = (await waitForLog(proc, /Listening on (http:\/\/127\.0\.0\.1:\d+)/))[1];
  return { proc, url, bundle: outfile, stop: () => stopProcess(proc, 3_000) };
}

// ---------------------------------------------------------------- Portkey

export interface PortkeyProcess {
  proc: Spawned;
  url: string;
  stop(): Promise<void>;
}

/** `node node_modules/@portkey-ai/gateway/build/start-server.js --port=P --headless`, bound to loopback. */
export async function startPortkeyProcess(opts: { logDir: string }): Promise<PortkeyProcess> {
  if (!existsSync(PORTKEY_SERVER)) throw new Error(`${PORTKEY_SERVER} is missing (npm ci installs @portkey-ai/gateway)`);
  const port = await freePort();
  const proc = spawnLogged("portkey", process.execPath, ["--require", LOOPBACK_PRELOAD, PORTKEY_SERVER, `--port=${port}`, "--headless"], {
    logDir: opts.logDir,
    // Only the TRUSTED_CUSTOM_HOSTS default list lets a custom host on loopback through.
    env: { TRUSTED_CUSTOM_HOSTS: "127.0.0.1,localhost" },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForLog(proc, /Ready for connections/, 30_000);
  const res = await fetch(url + "/");
  if (!res.ok) throw new Error(`Portkey GET / answered ${res.status}`);
  return { proc, url, stop: () => stopProcess(proc) };
}

function tail(text: string): string {
  return text.split("\n").slice(-15).join("\n");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
