/**
 * The benchmark's baseline: the least a translating Node proxy in front of OCI can do, in
 * raw node:http. It parses the OpenAI body, builds the OCI body, signs it with a key parsed
 * once, forwards it over a keep-alive agent, parses the answer and translates it back —
 * nothing else: no auth, validation, pool, limits, logs, metrics or timeouts. Translation
 * and signing are the proxy's own functions (toOciChatRequest, chatDetailsJson,
 * RequestSigner, fromOciChatResponse), so the difference to the proxy is everything else.
 *
 * Run by the bench as its own process (bundled by esbuild like the CLI):
 *   MINIMAL_UPSTREAM=http://127.0.0.1:9100 MINIMAL_KEY_FILE=key.pem MINIMAL_KEY_ID=t/u/fp \
 *   MINIMAL_COMPARTMENT=ocid1.tenancy… MINIMAL_MODELS='{"grok-4":"xai.grok-4"}' node minimal-proxy.js
 * It prints "Listening on http://127.0.0.1:PORT".
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { chatDetailsJson } from "../../shared/chat/chat-details-json";
import type { ChatCompletionRequest } from "../../shared/openai/chat-types";
import { RequestSigner } from "../../shared/oci/request-signer";
import { fromOciChatResponse } from "../../shared/oci/translate/from-oci-chat-response";
import { toOciChatRequest } from "../../shared/oci/translate/to-oci-chat-request";

const env = process.env;
const chatUrl = new URL(`${env.MINIMAL_UPSTREAM}/20231130/actions/chat`);
const compartment = env.MINIMAL_COMPARTMENT!;
const models: Record<string, string> = JSON.parse(env.MINIMAL_MODELS ?? "{}");
const pem = readFileSync(env.MINIMAL_KEY_FILE!, "utf8");
const keyId = env.MINIMAL_KEY_ID!;
const signer = new RequestSigner({ keyId: () => keyId, privateKeyPem: () => pem });
const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 256 });
let sequence = 0;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => void proxy(Buffer.concat(chunks), res));
});

async function proxy(raw: Buffer, res: http.ServerResponse): Promise<void> {
  try {
    const request = JSON.parse(raw.toString("utf8")) as ChatCompletionRequest;
    const ociModel = models[request.model];
    const body = chatDetailsJson(compartment, ociModel, JSON.stringify(toOciChatRequest(request, ociModel, { defaultMaxTokens: 4000, stream: false })));
    const headers = await signer.sign("POST", chatUrl, body);
    const upstream = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const call = http.request(chatUrl, { method: "POST", headers, agent }, resolve);
      call.once("error", reject);
      call.end(body);
    });
    const parts: Buffer[] = [];
    for await (const chunk of upstream) parts.push(chunk as Buffer);
    const identity = { id: `chatcmpl-${++sequence}`, created: Math.floor(Date.now() / 1000), model: request.model };
    const answer = JSON.stringify(fromOciChatResponse(JSON.parse(Buffer.concat(parts).toString("utf8")), identity));
    res.writeHead(upstream.statusCode ?? 502, { "content-type": "application/json" }).end(answer);
  } catch (err) {
    res.writeHead(502, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: String(err) } }));
  }
}

server.listen(Number(env.MINIMAL_PORT ?? 0), "127.0.0.1", () => {
  process.stdout.write(`Listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.once("SIGTERM", () => server.close(() => process.exit(0)));
