/**
 * A local stand-in for the slice of OCI Object Storage that the state store uses: PutObject,
 * GetObject, HeadObject and DeleteObject on `/n/{namespace}/b/{bucket}/o/{object}`, with ETags
 * and the conditional headers the store's compare-and-set is built on. Every request must carry
 * a valid OCI request signature from one of the configured accounts.
 *
 * What it models:
 * - ETags are a fresh random UUID per write (as OCI's are: they identify a write, not the
 *   content), so rewriting identical bytes still changes the ETag.
 * - `If-Match: <etag>` → 412 if the object is missing or its ETag differs;
 *   `If-None-Match: *` on PUT → 412 if the object exists; `If-None-Match: <etag>` on GET/HEAD → 304.
 * - Missing objects → 404 `ObjectNotFound`; error bodies are OCI's `{"code","message"}`; every
 *   response has `opc-request-id`; object responses have `etag` and `last-modified`.
 * - A PUT replaces the whole object in one synchronous step once its body has arrived, so
 *   conditional writes are atomic.
 * - Buckets spring into existence on first use; only the namespace is checked.
 *
 * Signatures: the SDK signs PutObject WITHOUT the body (oci-objectstorage's putObject passes
 * excludeBody = true to the retrier, and oci-common's DefaultRequestSigner then signs only
 * `x-date (request-target) host`). The simulator's SignatureVerifier (test/simulator/signature.ts)
 * insists on content-length/content-type/x-content-sha256 for every PUT, so it verifies every
 * request here; PUTs signed without their body (as the SDK signs PutObject) are verified as
 * body-exempt.
 *
 * @example
 * const { account, privateKeyPem } = generateTestAccount();
 * const oss = await startObjectStorageServer({ accounts: [account] });
 * client.endpoint = oss.url; // an ObjectStorageClient signing with privateKeyPem
 * await oss.close();
 */
import http from "node:http";
import { randomBytes, randomUUID, createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { SimulatorAccount } from "../simulator/accounts";
import { ociError, type OciErrorSpec } from "../simulator/oci-errors";
import { SignatureVerifier } from "../simulator/signature";

export interface ObjectStorageServerOptions {
  /** keyId = `${tenancy}/${user}/${fingerprint}`; requests signed by anyone else get 401. */
  accounts: readonly SimulatorAccount[];
  /** Default "testnamespace". */
  namespace?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface ObjectStorageServerStats {
  requests: number;
  byMethod: Record<string, number>;
  /** 401s. */
  rejectedSignature: number;
  /** 412s from If-Match / If-None-Match. */
  preconditionFailed: number;
  /** 404s for missing objects. */
  notFound: number;
  /** Successful PUTs. */
  writes: number;
  /** Objects currently stored. */
  objects: number;
}

export interface ObjectStorageServer {
  /** e.g. http://127.0.0.1:41234 — use as the ObjectStorageClient endpoint. */
  url: string;
  namespace: string;
  stats(): ObjectStorageServerStats;
  /**
   * Answer the next `times` signed object requests with `status` (an OCI error body, e.g. 503
   * ServiceUnavailable) instead of serving them: for checking that clients do not retry.
   */
  failNext(status: number, times?: number): void;
  /** Stops listening and destroys open (keep-alive) connections. */
  close(): Promise<void>;
}

interface StoredObject {
  body: Buffer;
  etag: string;
  contentType: string;
  lastModified: Date;
  md5: string;
}

const OBJECT_PATH = /^\/n\/([^/]+)\/b\/([^/]+)\/o\/(.+)$/;
const AUTH_PARAM = /([a-zA-Z]+)="([^"]*)"/g;

/** Starts the server on `host:port` and resolves once it listens. */
export async function startObjectStorageServer(opts: ObjectStorageServerOptions): Promise<ObjectStorageServer> {
  const namespace = opts.namespace ?? "testnamespace";
  const host = opts.host ?? "127.0.0.1";
  const verifier = new SignatureVerifier(opts.accounts);
  const objects = new Map<string, StoredObject>();
  const ridPrefix = randomBytes(8).toString("hex").toUpperCase();
  let ridSeq = 0;
  let fault: { status: number; left: number } | null = null;
  let closed = false;
  const stats = { requests: 0, byMethod: {} as Record<string, number>, rejectedSignature: 0, preconditionFailed: 0, notFound: 0, writes: 0 };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        handle(req, res, Buffer.concat(chunks));
      } catch (err) {
        if (!res.headersSent) sendError(res, req.method, ociError(500, String(err)));
        else res.destroy();
      }
    });
    req.on("error", () => res.destroy());
  });

  function sendError(res: http.ServerResponse, method: string | undefined, err: OciErrorSpec): void {
    const body = JSON.stringify({ code: err.code, message: err.message });
    res.writeHead(err.status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    // HEAD responses carry no body (the SDK then falls back to the status text).
    res.end(method === "HEAD" ? undefined : body);
  }

  function objectHeaders(o: StoredObject): Record<string, string | number> {
    return {
      etag: o.etag,
      "last-modified": o.lastModified.toUTCString(),
      "content-type": o.contentType,
      "content-length": o.body.length,
      "content-md5": o.md5,
    };
  }

  function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
    const method = (req.method ?? "GET").toUpperCase();
    const target = req.url ?? "/";
    stats.requests++;
    stats.byMethod[method] = (stats.byMethod[method] ?? 0) + 1;
    res.setHeader("opc-request-id", `${ridPrefix}/${(++ridSeq).toString(16).toUpperCase()}`);
    const clientRid = req.headers["opc-client-request-id"];
    if (typeof clientRid === "string") res.setHeader("opc-client-request-id", clientRid);

    const reason = verifySignature(method, target, req.headers, body);
    if (reason !== null) {
      stats.rejectedSignature++;
      return sendError(res, method, ociError(401));
    }

    const match = OBJECT_PATH.exec(target.split("?")[0]);
    if (!match) return sendError(res, method, { status: 404, code: "NotAuthorizedOrNotFound", message: `No such API: ${method} ${target}` });
    let ns: string, bucket: string, name: string;
    try {
      [ns, bucket, name] = match.slice(1).map((s) => decodeURIComponent(s));
    } catch {
      return sendError(res, method, ociError(400, "The object name is not properly URL-encoded."));
    }
    if (ns !== namespace) {
      return sendError(res, method, { status: 404, code: "NamespaceNotFound", message: `You do not have authorization to perform this request, or the requested resource could not be found.` });
    }

    if (fault) {
      const { status } = fault;
      if (--fault.left <= 0) fault = null;
      return sendError(res, method, ociError(status));
    }

    const id = `${bucket}\u0000${name}`;
    const current = objects.get(id);
    const ifMatch = header(req.headers["if-match"]);
    const ifNoneMatch = header(req.headers["if-none-match"]);
    const notFound = (): void => {
      stats.notFound++;
      sendError(res, method, {
        status: 404,
        code: "ObjectNotFound",
        message: `The object '${name}' was not found in the bucket '${bucket}'`,
      });
    };
    const preconditionFailed = (message: string): void => {
      stats.preconditionFailed++;
      sendError(res, method, { status: 412, code: "PreconditionFailed", message });
    };
    const checkIfMatch = (): boolean => {
      if (ifMatch === undefined) return true;
      if (!current) {
        preconditionFailed(`The If-Match condition failed: object '${name}' does not exist`);
        return false;
      }
      if (!etagListMatches(ifMatch, current.etag)) {
        preconditionFailed(`The If-Match header (${ifMatch}) does not match the ETag of object '${name}'`);
        return false;
      }
      return true;
    };

    switch (method) {
      case "GET":
      case "HEAD": {
        if (!current) return notFound();
        if (!checkIfMatch()) return;
        if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, current.etag)) {
          res.writeHead(304, { etag: current.etag, "last-modified": current.lastModified.toUTCString() });
          return void res.end();
        }
        res.writeHead(200, objectHeaders(current));
        return void res.end(method === "HEAD" ? undefined : current.body);
      }
      case "PUT": {
        if (!checkIfMatch()) return;
        if (ifNoneMatch !== undefined) {
          if (ifNoneMatch.trim() !== "*") {
            return sendError(res, method, ociError(400, "If-None-Match on PutObject only supports '*'"));
          }
          if (current) return preconditionFailed(`The If-None-Match condition failed: object '${name}' already exists`);
        }
        const md5 = createHash("md5").update(body).digest("base64");
        const stored: StoredObject = {
          body,
          etag: randomUUID(),
          contentType: header(req.headers["content-type"]) ?? "application/octet-stream",
          lastModified: new Date(),
          md5,
        };
        // Check and replace in one synchronous step: the write is atomic.
        objects.set(id, stored);
        stats.writes++;
        res.writeHead(200, { etag: stored.etag, "last-modified": stored.lastModified.toUTCString(), "opc-content-md5": md5, "content-length": 0 });
        return void res.end();
      }
      case "DELETE": {
        if (!current) return notFound();
        if (!checkIfMatch()) return;
        objects.delete(id);
        res.writeHead(204, { "last-modified": new Date().toUTCString() });
        return void res.end();
      }
      default:
        return sendError(res, method, { status: 405, code: "MethodNotAllowed", message: `${method} is not supported on objects` });
    }
  }

  /** null when properly signed, otherwise why not. PutObject bodies are not signed by the SDK. */
  function verifySignature(method: string, target: string, headers: http.IncomingHttpHeaders, body: Buffer): string | null {
    const bodyExempt = method === "PUT" && !signsBody(headers.authorization);
    return verifier.verify(method, target, headers, body, Date.now(), { bodyExempt });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    namespace,
    stats: () => ({ ...stats, byMethod: { ...stats.byMethod }, objects: objects.size }),
    failNext(status: number, times = 1) {
      fault = times > 0 ? { status, left: times } : null;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
    },
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

/** `If-Match` / `If-None-Match` may list several ETags, quoted or not, or `*`. */
function etagListMatches(list: string, etag: string): boolean {
  return list
    .split(",")
    .map((t) => t.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1"))
    .some((t) => t === "*" || t === etag);
}

function authParams(auth: string | undefined): Record<string, string> | undefined {
  if (!auth?.startsWith("Signature ")) return undefined;
  const params: Record<string, string> = {};
  AUTH_PARAM.lastIndex = 0;
  for (let m = AUTH_PARAM.exec(auth); m; m = AUTH_PARAM.exec(auth)) params[m[1]] = m[2];
  return params;
}

/** Whether the signature covers the body (then SignatureVerifier can check it as is). */
function signsBody(auth: string | undefined): boolean {
  const signed = (authParams(auth)?.headers ?? "").toLowerCase().split(" ");
  return signed.includes("x-content-sha256");
}
