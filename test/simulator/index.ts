/**
 * A local stand-in for OCI Generative AI inference: verifies request signatures, answers chat /
 * embedText / models in the real wire format (per-vendor stream quirks included) and injects
 * faults. Used by integration tests, `npm run demo` and the benchmarks.
 *
 * @example
 * const { account, privateKeyPem } = generateTestAccount();
 * const sim = await startSimulator({ accounts: [account] });
 * // point an OCI client (or the proxy) at sim.url …
 * sim.setFaults({ status: 429, retryAfterSeconds: 2, times: 1 });
 * await sim.close();
 */
import http from "node:http";
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { type SimulatorAccount } from "./accounts";
import { planChat } from "./chat-plan";
import { chatResult } from "./chat-response";
import { chatStreamEvents } from "./chat-stream";
import { embedText } from "./embed";
import { MODELS_BODY } from "./models";
import { invalidParameter, isOciError, ociError, type OciErrorSpec } from "./oci-errors";
import { SignatureVerifier } from "./signature";

export { generateTestAccount, keyFingerprint, keyIdOf, type SimulatorAccount, type TestAccountOverrides } from "./accounts";
export { signRequestHeaders, type SignOptions } from "./sign-request";
export { SIMULATED_MODELS } from "./models";

export interface FaultPlan {
  /** Answer this HTTP status with an OCI error body (code from the status: 429 TooManyRequests, 500 InternalServerError, …). */
  status?: number;
  /** Retry-After header (seconds) on the fault response. */
  retryAfterSeconds?: number;
  /** The fault response's error message instead of OCI's stock one for the status. */
  message?: string;
  /** Delay before the response headers. */
  latencyMs?: number;
  /** Streams: delay between the headers and the first event. */
  ttftMs?: number;
  /** Streams: delay between events. */
  interChunkMs?: number;
  /** Streams: destroy the socket after N events (mid-stream failure, no clean end). */
  dropAfterEvents?: number;
  /** Streams: stop sending after N events but keep the socket open (until close()). */
  hangAfterEvents?: number;
  /** Apply to the next N accepted requests only (default: until cleared). */
  times?: number;
  /** Only requests for this model (servingMode.modelId) get the fault, e.g. a model the region lacks. */
  model?: string;
}

export interface SimulatorOptions {
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** keyId = `${tenancy}/${user}/${fingerprint}`. */
  accounts: SimulatorAccount[];
  /** Default true. */
  verifySignatures?: boolean;
  /** In-flight requests allowed at once; beyond that 429 TooManyRequests with Retry-After: 1. */
  maxConcurrency?: number;
  /** Length of generated answers in words (default 12). */
  responseWords?: number;
}

export interface SimulatorStats {
  requests: number;
  inFlight: number;
  maxInFlight: number;
  rejectedSignature: number;
  rejectedConcurrency: number;
  byPath: Record<string, number>;
}

export interface SimulatorRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export interface OciSimulator {
  url: string;
  port: number;
  setFaults(plan: FaultPlan | null): void;
  stats(): SimulatorStats;
  resetStats(): void;
  /** The last API request (control endpoints excluded), with its parsed JSON body. */
  lastRequest(): SimulatorRequest | undefined;
  /** Stops listening and destroys every open connection, hanging and lingering streams included. */
  close(): Promise<void>;
}

const API = "/20231130";
/** Cohere streams stay open this long after their final event unless the client hangs up. */
const COHERE_LINGER_MS = 30_000;
const EMPTY = Buffer.alloc(0);

function emptyStats(): SimulatorStats {
  return { requests: 0, inFlight: 0, maxInFlight: 0, rejectedSignature: 0, rejectedConcurrency: 0, byPath: {} };
}

/** Starts a simulator on `host:port` and resolves once it listens. */
export async function startSimulator(opts: SimulatorOptions): Promise<OciSimulator> {
  const verifier = new SignatureVerifier(opts.accounts);
  const verify = opts.verifySignatures !== false;
  const maxConcurrency = opts.maxConcurrency ?? Infinity;
  const responseWords = opts.responseWords ?? 12;
  const host = opts.host ?? "127.0.0.1";

  let faults: FaultPlan | null = null;
  let faultsLeft = Infinity;
  let stats = emptyStats();
  let inFlight = 0;
  let last: SimulatorRequest | undefined;
  let closed = false;
  const timers = new Set<NodeJS.Timeout>();
  const streams = new Set<http.ServerResponse>();
  const ridPrefix = randomBytes(8).toString("hex").toUpperCase();
  let ridSeq = 0;

  function setFaults(plan: FaultPlan | null): void {
    faults = plan && Object.keys(plan).length > 0 ? { ...plan } : null;
    faultsLeft = plan?.times ?? Infinity;
  }

  function takeFault(body: any): FaultPlan | null {
    const plan = faults;
    if (plan?.model !== undefined && body?.servingMode?.modelId !== plan.model) return null;
    if (plan && --faultsLeft <= 0) faults = null;
    return plan;
  }

  function later(ms: number, fn: () => void, unref = false): NodeJS.Timeout {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    if (unref) t.unref();
    timers.add(t);
    return t;
  }

  const sleep = (ms: number) => new Promise<void>((resolve) => later(ms, resolve));

  function sendJson(res: http.ServerResponse, status: number, json: string): void {
    if (res.destroyed || res.headersSent) return;
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    res.end(json);
  }

  function sendError(res: http.ServerResponse, err: OciErrorSpec): void {
    sendJson(res, err.status, JSON.stringify({ code: err.code, message: err.message }));
  }

  /** Writes SSE events honouring the stream faults, then ends, lingers (Cohere), hangs or drops. */
  function playStream(res: http.ServerResponse, events: string[], fault: FaultPlan | null, linger: boolean): void {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
    streams.add(res);
    const own = new Set<NodeJS.Timeout>();
    res.once("close", () => {
      streams.delete(res);
      for (const t of own) {
        clearTimeout(t);
        timers.delete(t);
      }
    });
    const schedule = (ms: number, fn: () => void, unref = false) => {
      const t = later(ms, () => {
        own.delete(t);
        fn();
      }, unref);
      own.add(t);
    };

    let limit = events.length;
    let after: "end" | "linger" | "drop" | "hang" = linger ? "linger" : "end";
    if (fault?.dropAfterEvents !== undefined) {
      limit = Math.min(fault.dropAfterEvents, limit);
      after = "drop";
    } else if (fault?.hangAfterEvents !== undefined) {
      limit = Math.min(fault.hangAfterEvents, limit);
      after = "hang";
    }

    const finish = () => {
      if (res.destroyed) return;
      switch (after) {
        case "end":
          res.end();
          return;
        case "linger":
          schedule(COHERE_LINGER_MS, () => res.end(), true);
          return;
        case "hang":
          return;
        case "drop":
          // res.write corks the socket until the next tick: let the events reach the wire first.
          setImmediate(() => {
            const socket = res.socket;
            if (!socket) return;
            if (socket.writableLength === 0) socket.destroy();
            else socket.once("drain", () => socket.destroy());
          });
      }
    };

    const ttft = fault?.ttftMs ?? 0;
    const gap = fault?.interChunkMs ?? 0;
    if (ttft <= 0 && gap <= 0) {
      if (limit > 0) res.write(limit === events.length ? events.join("") : events.slice(0, limit).join(""));
      finish();
      return;
    }
    let i = 0;
    const step = () => {
      if (res.destroyed) return;
      if (i < limit) res.write(events[i++]);
      if (i >= limit) finish();
      else schedule(gap, step);
    };
    schedule(ttft, step);
  }

  async function handleApi(req: http.IncomingMessage, res: http.ServerResponse, target: string, path: string): Promise<void> {
    stats.requests++;
    stats.byPath[path] = (stats.byPath[path] ?? 0) + 1;
    const clientRid = req.headers["opc-request-id"];
    const rid = `${ridPrefix}/${(++ridSeq).toString(16).toUpperCase().padStart(8, "0")}`;
    const requestId = typeof clientRid === "string" && clientRid ? `${clientRid}/${rid}` : rid;
    res.setHeader("opc-request-id", requestId);

    const method = req.method ?? "GET";
    const raw = await readBody(req);
    let body: any = undefined;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        body = raw.toString("utf8");
        badJson = true;
      }
    }
    last = { path, headers: req.headers, body };

    if (verify) {
      const reason = verifier.verify(method, target, req.headers, raw);
      if (reason) {
        stats.rejectedSignature++;
        return sendError(res, ociError(401));
      }
    }
    if (inFlight >= maxConcurrency) {
      stats.rejectedConcurrency++;
      res.setHeader("retry-after", "1");
      return sendError(res, ociError(429, "Too many requests in flight for this simulator instance."));
    }
    if (res.destroyed) return; // the client went away while its body was read
    inFlight++;
    if (inFlight > stats.maxInFlight) stats.maxInFlight = inFlight;
    res.once("close", () => {
      inFlight--;
    });

    const fault = takeFault(body);
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (closed || res.destroyed) return;
    if (fault?.status) {
      if (fault.retryAfterSeconds !== undefined) res.setHeader("retry-after", String(fault.retryAfterSeconds));
      return sendError(res, ociError(fault.status, fault.message));
    }

    if (method === "POST" && path === `${API}/actions/chat`) {
      if (badJson) return sendError(res, invalidParameter("Request body is not valid JSON."));
      const plan = planChat(body, responseWords);
      if (isOciError(plan)) return sendError(res, plan);
      if (!plan.stream) return sendJson(res, 200, JSON.stringify(chatResult(plan)));
      return playStream(res, chatStreamEvents(plan), fault, plan.apiFormat === "COHERE");
    }
    if (method === "POST" && path === `${API}/actions/embedText`) {
      if (badJson) return sendError(res, invalidParameter("Request body is not valid JSON."));
      const result = embedText(body, requestId);
      if (isOciError(result)) return sendError(res, result);
      return sendJson(res, 200, JSON.stringify(result));
    }
    if (method === "GET" && path === `${API}/models`) {
      const query = new URLSearchParams(target.slice(path.length + 1));
      if (!query.get("compartmentId")) return sendError(res, invalidParameter("compartmentId is required."));
      return sendJson(res, 200, MODELS_BODY);
    }
    return sendError(res, ociError(404));
  }

  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const raw = await readBody(req);
    if (req.method === "POST" && path === "/__sim/faults") {
      let plan: FaultPlan | null;
      try {
        plan = raw.length ? JSON.parse(raw.toString("utf8")) : null;
      } catch {
        return sendError(res, invalidParameter("Fault plan is not valid JSON."));
      }
      setFaults(plan);
      return sendJson(res, 200, JSON.stringify({ faults }));
    }
    if (req.method === "GET" && path === "/__sim/stats") return sendJson(res, 200, JSON.stringify(snapshot()));
    if (req.method === "POST" && path === "/__sim/reset") {
      resetStats();
      setFaults(null);
      last = undefined;
      return sendJson(res, 200, JSON.stringify({ ok: true }));
    }
    return sendError(res, ociError(404));
  }

  function snapshot(): SimulatorStats {
    return { ...stats, inFlight, byPath: { ...stats.byPath } };
  }

  function resetStats(): void {
    stats = emptyStats();
  }

  const server = http.createServer((req, res) => {
    const target = req.url ?? "/";
    const q = target.indexOf("?");
    const path = q < 0 ? target : target.slice(0, q);
    const work = path.startsWith("/__sim/") ? handleControl(req, res, path) : handleApi(req, res, target, path);
    work.catch((err) => {
      if (!res.headersSent) sendError(res, ociError(500, `Simulator error: ${(err as Error).message}`));
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    setFaults,
    stats: snapshot,
    resetStats,
    lastRequest: () => last,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const res of streams) res.destroy();
      server.closeAllConnections();
      await done;
    },
  };
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  if (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
