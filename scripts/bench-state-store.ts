/**
 * `npm run bench:state`: state-store round trips per chat request for a warm serverless
 * instance, on dynalite (DynamoDB's API on LevelDB), counted at the wire by a small
 * forwarding proxy in front of it. Prints one table; no thresholds.
 */
import http from "node:http";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServerlessRuntime } from "../shared/serverless/serverless-runtime";
import { createStateTable, dynaliteClient, startDynalite, DYNALITE_CREDENTIALS, DYNALITE_REGION } from "../test/helpers/dynalite";
import { writeConfig } from "../test/helpers/write-config";
import { generateTestAccount, startSimulator, type OciSimulator } from "../test/simulator";

const REQUESTS = Number(process.env.REQUESTS ?? 200);

/** Forwards to dynalite, counting calls by DynamoDB operation (the X-Amz-Target header). */
async function countingProxy(target: string) {
  const counts = new Map<string, number>();
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const op = String(req.headers["x-amz-target"] ?? "?").split(".").pop()!;
    counts.set(op, (counts.get(op) ?? 0) + 1);
    const forward = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts, close: () => new Promise((r) => server.close(r)) };
}

async function scenario(name: string, env: NodeJS.ProcessEnv, proxy: Awaited<ReturnType<typeof countingProxy>>, stream: boolean) {
  const runtime = await createServerlessRuntime({ env, bundleDir: __dirname, secrets: { get: async () => "" }, apiKeySecretVariable: "UNUSED" });
  const send = async () => {
    const res = await runtime.app.fetch(
      new Request("http://lambda/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${runtime.config.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "grok-4", stream, messages: [{ role: "user", content: "hi" }] }),
      }),
    );
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${name}: HTTP ${res.status}`);
  };
  for (let i = 0; i < 20; i++) await send();
  await runtime.pool.flushShared();
  proxy.counts.clear();
  const startedAt = performance.now();
  for (let i = 0; i < REQUESTS; i++) await send();
  await runtime.pool.flushShared();
  const ms = performance.now() - startedAt;
  const total = [...proxy.counts.values()].reduce((a, b) => a + b, 0);
  const ops = [...proxy.counts].sort((a, b) => b[1] - a[1]).map(([op, n]) => `${op} ${(n / REQUESTS).toFixed(2)}`).join(", ");
  console.log(`| ${name} | ${stream ? "stream" : "non-stream"} | ${REQUESTS} | ${(total / REQUESTS).toFixed(2)} | ${ops || "–"} | ${(ms / REQUESTS).toFixed(2)} |`);
}

async function main(): Promise<void> {
  const dynalite = await startDynalite();
  const client = dynaliteClient(dynalite.endpoint);
  await createStateTable(client, "ociai-state");
  client.destroy();
  const proxy = await countingProxy(dynalite.endpoint);
  const dir = mkdtempSync(join(tmpdir(), "ociai-bench-state-"));
  const sims: OciSimulator[] = [];
  try {
    const accounts = [];
    for (let i = 0; i < 2; i++) {
      const { account, privateKeyPem } = generateTestAccount({ tenancy: `ocid1.tenancy.oc1..bench${i}` });
      writeFileSync(join(dir, `${i}.pem`), privateKeyPem);
      const sim = await startSimulator({ accounts: [account] });
      sims.push(sim);
      accounts.push({ section: `ACCOUNT_${i + 1}`, keys: { id: `acct${i + 1}`, user: account.user, fingerprint: account.fingerprint, key_file: `${i}.pem`, tenancy: account.tenancy, region: "us-chicago-1", endpoint: sim.url } });
    }
    const limited = accounts.map((a) => ({ ...a, keys: { ...a.keys, max_concurrency: 8 } }));
    const files = {
      unlimited: writeConfig(dir, { mode: "multi", apiKey: "sk-bench-state-0123456789", accounts }, "unlimited.conf"),
      limited: writeConfig(dir, { mode: "multi", apiKey: "sk-bench-state-0123456789", accounts: limited }, "limited.conf"),
    };
    // The AWS SDK reads its endpoint, region and credentials from the process environment.
    Object.assign(process.env, {
      AWS_ENDPOINT_URL_DYNAMODB: proxy.url,
      AWS_REGION: DYNALITE_REGION,
      AWS_ACCESS_KEY_ID: DYNALITE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DYNALITE_CREDENTIALS.secretAccessKey,
    });
    const env = (file: string, cacheMs: number): NodeJS.ProcessEnv => ({
      ...process.env,
      OCIAI_CONFIG_FILE: file,
      OCIAI_STATE_STORE: "dynamodb",
      OCIAI_DYNAMODB_TABLE: "ociai-state",
      OCIAI_STATE_CACHE_MS: String(cacheMs),
      OCIAI_LOG_LEVEL: "warn",
    });
    console.log(`State-store round trips per request, warm instance, DynamoDB API (dynalite), ${REQUESTS} sequential requests\n`);
    console.log("| set-up | mode | requests | store calls / request | by operation (per request) | ms / request |");
    console.log("| --- | --- | ---: | ---: | --- | ---: |");
    await scenario("no max_concurrency, cache 1 s (default)", env(files.unlimited, 1_000), proxy, false);
    await scenario("no max_concurrency, cache 1 s (default)", env(files.unlimited, 1_000), proxy, true);
    await scenario("max_concurrency = 8 (shared leases), cache 1 s", env(files.limited, 1_000), proxy, false);
    await scenario("no max_concurrency, no cache (worst case)", env(files.unlimited, 0), proxy, false);
  } finally {
    await Promise.all(sims.map((s) => s.close()));
    await proxy.close();
    await dynalite.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
