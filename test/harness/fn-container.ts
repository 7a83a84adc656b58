/**
 * Runs a built OCI Functions bundle (`dist/oci/<fn>/func.js`) the way Fn runs a function
 * container: a real `node func.js` child process with `FN_FORMAT=http-stream` and
 * `FN_LISTENER=unix:<dir>/fn.sock`, ready once the FDK has symlinked `fn.sock` to the
 * socket it listens on, then called with `POST /call` over that socket. Calls through
 * OCI API Gateway carry the HTTP request in `Fn-Http-*` headers and get the HTTP
 * response back the same way (`Fn-Http-Status`, `Fn-Http-H-*`).
 *
 * @example
 * const fn = await startFnContainer(builtBundle("dist/oci/chat/func.js"), { env: { OCIAI_CONFIG_FILE: file } });
 * const res = await fn.gateway({ method: "POST", url: "/v1/chat/completions", headers: { authorization: "Bearer k" }, body: "{}" });
 * res.status; res.headers.get("retry-after"); res.text;
 * await fn.close();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { lstatSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { basename, dirname, join } from "node:path";

export interface FnCallResponse {
  /** Status of the container's HTTP answer to Fn (200 unless the FDK itself failed). */
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface GatewayRequest {
  method: string;
  /** Path and query as the gateway received them, e.g. "/v1/models". */
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface GatewayResponse {
  /** What OCI API Gateway answers: Fn-Http-Status (200 when absent). */
  status: number;
  /** Fn-Http-H-* headers (prefix stripped) plus Content-Type, as a client would see them. */
  headers: Headers;
  contentType: string | undefined;
  text: string;
  raw: FnCallResponse;
}

export interface FnContainer {
  socketPath: string;
  pid: number;
  /** ms from spawn until the socket was ready (the container's cold start). */
  startupMs: number;
  /** One raw Fn invocation (`POST /call`). */
  call(headers: Record<string, string>, body?: string | Buffer): Promise<FnCallResponse>;
  /** An invocation as OCI API Gateway makes it for an HTTP request. */
  gateway(request: GatewayRequest): Promise<GatewayResponse>;
  /** A plain `fn invoke` (no Fn-Http-* headers). */
  invoke(body?: string, contentType?: string): Promise<FnCallResponse>;
  /** stdout + stderr of the process so far. */
  output(): string;
  close(): Promise<void>;
}

export interface StartFnOptions {
  env?: Record<string, string>;
  startTimeoutMs?: number;
  fnName?: string;
}

/** Starts `node <funcJs>` as Fn would and resolves once its unix socket accepts calls. */
export async function startFnContainer(funcJs: string, options: StartFnOptions = {}): Promise<FnContainer> {
  // Short path: unix socket paths are limited to ~107 bytes.
  const dir = mkdtempSync("/tmp/fn-");
  const socketPath = join(dir, "fn.sock");
  const fnName = options.fnName ?? basename(dirname(funcJs));
  const started = performance.now();
  const child = spawn(process.execPath, [funcJs], {
    cwd: dirname(funcJs),
    // A function container's environment: Fn's variables and the function's config, nothing inherited.
    env: {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: dir,
      FN_FORMAT: "http-stream",
      FN_LISTENER: `unix:${socketPath}`,
      FN_APP_ID: "ocid1.fnapp.oc1..test",
      FN_FN_ID: `ocid1.fnfunc.oc1..${fnName}`,
      FN_APP_NAME: "ociai",
      FN_FN_NAME: fnName,
      FN_MEMORY: "256",
      FN_TYPE: "sync",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  try {
    await waitForSocket(socketPath, child, () => exitCode, () => output, options.startTimeoutMs ?? 10_000);
  } catch (err) {
    await stop(child, exited);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const startupMs = performance.now() - started;

  const call = (headers: Record<string, string>, body?: string | Buffer) => callSocket(socketPath, headers, body);
  const fnHeaders = () => ({ "Fn-Call-Id": randomUUID().replace(/-/g, "").toUpperCase(), "Fn-Deadline": new Date(Date.now() + 60_000).toISOString() });

  return {
    socketPath,
    pid: child.pid!,
    startupMs,
    call,
    async gateway(request) {
      const headers: Record<string, string> = {
        ...fnHeaders(),
        "Fn-Intent": "httprequest",
        "Fn-Invoke-Type": "sync",
        "Fn-Http-Method": request.method.toUpperCase(),
        "Fn-Http-Request-Url": request.url,
      };
      for (const [name, value] of Object.entries(request.headers ?? {})) headers[`Fn-Http-H-${name}`] = value;
      const contentType = Object.entries(request.headers ?? {}).find(([n]) => n.toLowerCase() === "content-type")?.[1];
      if (contentType) headers["Content-Type"] = contentType;
      const raw = await call(headers, request.body);
      return toGatewayResponse(raw);
    },
    invoke(body = "", contentType = "text/plain") {
      return call({ ...fnHeaders(), "Fn-Invoke-Type": "sync", "Content-Type": contentType }, body);
    },
    output: () => output,
    async close() {
      await stop(child, exited);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function toGatewayResponse(raw: FnCallResponse): GatewayResponse {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw.headers)) {
    if (!name.startsWith("fn-http-h-") || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name.slice("fn-http-h-".length), v);
  }
  const contentType = raw.headers["content-type"];
  if (contentType) headers.set("content-type", contentType);
  const status = raw.headers["fn-http-status"];
  return { status: status === undefined ? 200 : Number(status), headers, contentType, text: raw.text, raw };
}

function callSocket(socketPath: string, headers: Record<string, string>, body?: string | Buffer): Promise<FnCallResponse> {
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8");
  return new Promise((resolve, reject) => {
    const req = http.request(
      // agent: false — one connection per call, as Fn does with keep-alive off in the FDK.
      { socketPath, method: "POST", path: "/call", agent: false, headers: { ...headers, "Content-Length": String(payload.length) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on("data", (c: Buffer) => parts.push(c));
        res.on("end", () => {
          const bodyBuf = Buffer.concat(parts);
          resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body: bodyBuf, text: bodyBuf.toString("utf8") });
        });
        res.on("error", reject);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error("Fn call timed out")));
    req.on("error", reject);
    req.end(payload);
  });
}

async function waitForSocket(socketPath: string, child: ChildProcess, exitCode: () => number | null | undefined, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      // The FDK listens on fn.sock.tmp and then symlinks fn.sock to it: the link means ready.
      if (lstatSync(socketPath).isSymbolicLink()) return;
    } catch {
      // not there yet
    }
    if (exitCode() !== undefined) throw new Error(`${child.spawnfile} exited with ${exitCode()} before listening:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`no ${socketPath} after ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function stop(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 2_000);
  await exited;
  clearTimeout(timer);
}
