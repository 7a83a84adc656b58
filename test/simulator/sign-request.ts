/**
 * A minimal OCI request signer (same scheme as oci-common's DefaultRequestSigner) for tests,
 * benchmarks and raw-fetch checks that must not go through the SDK.
 */
import { createHash, createPrivateKey, sign, type KeyObject } from "node:crypto";

export interface SignOptions {
  keyId: string;
  privateKey: string | KeyObject;
  /** Sign `date` instead of the SDK's `x-date`. */
  useDate?: boolean;
  /** Override the date (e.g. to test clock skew). */
  date?: Date;
}

/**
 * Headers (including Authorization) for a signed request.
 * @example
 * const body = JSON.stringify(details);
 * await fetch(url, { method: "POST", body, headers: signRequestHeaders("POST", url, body, { keyId, privateKey }) });
 */
export function signRequestHeaders(method: string, url: string, body: string | Buffer | undefined, opts: SignOptions): Record<string, string> {
  const u = new URL(url);
  const dateName = opts.useDate ? "date" : "x-date";
  const headers: Record<string, string> = {
    [dateName]: (opts.date ?? new Date()).toUTCString(),
    host: u.host,
  };
  const names = [dateName, "(request-target)", "host"];
  if (["POST", "PUT", "PATCH"].includes(method.toUpperCase())) {
    const bytes = typeof body === "string" ? Buffer.from(body) : (body ?? Buffer.alloc(0));
    headers["content-type"] = "application/json";
    headers["content-length"] = String(bytes.length);
    headers["x-content-sha256"] = createHash("sha256").update(bytes).digest("base64");
    names.push("content-type", "content-length", "x-content-sha256");
  }
  const signingString = names
    .map((n) => (n === "(request-target)" ? `${n}: ${method.toLowerCase()} ${u.pathname}${u.search}` : `${n}: ${headers[n]}`))
    .join("\n");
  const key = typeof opts.privateKey === "string" ? createPrivateKey(opts.privateKey) : opts.privateKey;
  const signature = sign("sha256", Buffer.from(signingString), key).toString("base64");
  headers.authorization =
    `Signature version="1",keyId="${opts.keyId}",algorithm="rsa-sha256",` +
    `headers="${names.join(" ")}",signature="${signature}"`;
  // fetch computes Host and Content-Length itself; passing them is allowed but redundant.
  delete headers.host;
  return headers;
}
