import { createHash, createPrivateKey, createSign, type KeyObject } from "node:crypto";

/**
 * Where a signer gets its key id and private key. API-key accounts have fixed values;
 * resource and instance principals rotate a session key behind the SDK's providers.
 */
export interface SigningKeySource {
  keyId(): string | Promise<string>;
  /** PEM; compared by identity to know when to re-parse. */
  privateKeyPem(): string;
  passphrase?: string;
}

const BODY_HEADERS = "date (request-target) host content-length content-type x-content-sha256";
const BODILESS_HEADERS = "date (request-target) host";

/**
 * Signs OCI API requests (draft-cavage HTTP signatures, rsa-sha256), the scheme the OCI
 * SDK uses. The private key is parsed once into a KeyObject; the SDK's signer re-parses
 * the PEM on every call, which costs more than the signature itself.
 *
 * @example
 *   const headers = await signer.sign("POST", new URL(url), body);
 *   await request(url, { method: "POST", headers, body });
 */
export class RequestSigner {
  private parsedPem = "";
  private key: KeyObject | undefined;

  constructor(private readonly source: SigningKeySource) {}

  async sign(method: "GET" | "POST", url: URL, body?: string): Promise<Record<string, string>> {
    // API-key accounts have a fixed key id: only principals' rotating ids need awaiting.
    const id = this.source.keyId();
    const keyId = typeof id === "string" ? id : await id;
    const headers: Record<string, string> = {
      date: new Date().toUTCString(),
      host: url.host,
    };
    const target = `${method.toLowerCase()} ${url.pathname}${url.search}`;
    let signingString = `date: ${headers.date}\n(request-target): ${target}\nhost: ${headers.host}`;
    let signedHeaders = BODILESS_HEADERS;
    if (body !== undefined) {
      headers["content-length"] = String(Buffer.byteLength(body));
      headers["content-type"] = "application/json";
      headers["x-content-sha256"] = createHash("sha256").update(body).digest("base64");
      signingString +=
        `\ncontent-length: ${headers["content-length"]}\ncontent-type: application/json` +
        `\nx-content-sha256: ${headers["x-content-sha256"]}`;
      signedHeaders = BODY_HEADERS;
    }
    const signature = createSign("RSA-SHA256").update(signingString).sign(this.privateKey(), "base64");
    headers.authorization =
      `Signature version="1",keyId="${keyId}",algorithm="rsa-sha256",` +
      `headers="${signedHeaders}",signature="${signature}"`;
    return headers;
  }

  private privateKey(): KeyObject {
    const pem = this.source.privateKeyPem();
    if (!this.key || pem !== this.parsedPem) {
      this.key = createPrivateKey({ key: pem, passphrase: this.source.passphrase });
      this.parsedPem = pem;
    }
    return this.key;
  }
}
