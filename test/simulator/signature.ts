/**
 * Verifies OCI request signatures (draft-cavage HTTP signatures, rsa-sha256), as the real
 * service does:
 *
 *   Authorization: Signature version="1",keyId="<tenancy>/<user>/<fingerprint>",
 *     algorithm="rsa-sha256",headers="date (request-target) host content-length content-type x-content-sha256",
 *     signature="<base64>"
 *
 * The signing string is `name: value` lines joined by "\n" in the order of `headers`, where
 * `(request-target)` is `<lowercase method> <path?query>`. The official SDK (oci-common
 * DefaultRequestSigner) signs `x-date` instead of `date`; either is accepted.
 */
import { createHash, createPublicKey, verify as rsaVerify, type KeyObject } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { keyIdOf, type SimulatorAccount } from "./accounts";

const MAX_SKEW_MS = 5 * 60 * 1000;
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);
const PARAM = /([a-zA-Z]+)="([^"]*)"/g;

export class SignatureVerifier {
  /** Parsed public keys per keyId: parsing a PEM costs far more than a verify. */
  private readonly keys = new Map<string, KeyObject>();

  constructor(accounts: readonly SimulatorAccount[]) {
    for (const account of accounts) this.keys.set(keyIdOf(account), createPublicKey(account.publicKeyPem));
  }

  /** null when the request is properly signed, otherwise why not (for logs; clients see OCI's stock 401). */
  /**
   * @param options.bodyExempt The service does not sign bodies for this request (Object
   *   Storage PutObject: the SDK signs only date, (request-target) and host).
   */
  verify(
    method: string,
    target: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    now = Date.now(),
    options: { bodyExempt?: boolean } = {},
  ): string | null {
    const auth = headers.authorization;
    if (!auth) return "missing Authorization header";
    if (!auth.startsWith("Signature ")) return "Authorization is not a Signature";
    const params: Record<string, string> = {};
    PARAM.lastIndex = 0;
    for (let m = PARAM.exec(auth); m; m = PARAM.exec(auth)) params[m[1]] = m[2];
    const { keyId, signature, algorithm } = params;
    if (!keyId || !signature) return "keyId or signature missing";
    if (algorithm && algorithm !== "rsa-sha256") return `unsupported algorithm ${algorithm}`;
    if (params.version && params.version !== "1") return `unsupported signature version ${params.version}`;
    const key = this.keys.get(keyId);
    if (!key) return `unknown keyId ${keyId}`;

    const signed = (params.headers ?? "date").toLowerCase().split(" ").filter(Boolean);
    if (!signed.includes("(request-target)")) return "(request-target) not signed";
    if (!signed.includes("host")) return "host not signed";
    const dateHeader = signed.includes("x-date") ? "x-date" : signed.includes("date") ? "date" : undefined;
    if (!dateHeader) return "neither date nor x-date signed";
    const upper = method.toUpperCase();
    if (BODY_METHODS.has(upper) && !options.bodyExempt) {
      for (const h of ["content-length", "content-type", "x-content-sha256"]) {
        if (!signed.includes(h)) return `${h} not signed`;
      }
      const length = headers["content-length"];
      if (length === undefined || Number(length) !== body.length) return "content-length does not match the body";
      if (headers["x-content-sha256"] !== createHash("sha256").update(body).digest("base64")) {
        return "x-content-sha256 does not match the body";
      }
    }
    const date = Date.parse(String(headers[dateHeader] ?? ""));
    if (Number.isNaN(date)) return `unparseable ${dateHeader}`;
    if (Math.abs(now - date) > MAX_SKEW_MS) return `clock skew over 5 minutes (${dateHeader})`;

    const lines: string[] = [];
    for (const name of signed) {
      if (name === "(request-target)") {
        lines.push(`(request-target): ${method.toLowerCase()} ${target}`);
        continue;
      }
      const value = headers[name];
      if (value === undefined) return `signed header ${name} missing`;
      lines.push(`${name}: ${Array.isArray(value) ? value.join(", ") : value}`);
    }
    const ok = rsaVerify("sha256", Buffer.from(lines.join("\n")), key, Buffer.from(signature, "base64"));
    return ok ? null : "signature does not verify";
  }
}
