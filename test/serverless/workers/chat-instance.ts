/**
 * One serverless "instance" in its own process: builds the runtime from env (as a cold
 * start does), sends `COUNT` chat requests through the app, waits for its shared-state
 * writes, and prints the statuses as JSON (or, with `GET=/path`, prints that answer).
 */
import { createServerlessRuntime } from "../../../shared/serverless/serverless-runtime";

async function main(): Promise<void> {
  const runtime = await createServerlessRuntime({
    env: process.env,
    bundleDir: __dirname,
    secrets: { get: async () => "" },
    apiKeySecretVariable: "UNUSED",
  });
  if (process.env.GET) {
    // A GET (e.g. /stats/circuit-breaker) on a fresh instance: print its JSON body.
    const res = await runtime.app.fetch(new Request(`http://lambda${process.env.GET}`, { headers: { authorization: `Bearer ${runtime.config.apiKey}` } }));
    process.stdout.write(JSON.stringify({ status: res.status, body: await res.json() }) + "\n");
    return;
  }
  const statuses: number[] = [];
  for (let i = 0; i < Number(process.env.COUNT ?? 1); i++) {
    const res = await runtime.app.fetch(
      new Request("http://lambda/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${runtime.config.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "grok-4", messages: [{ role: "user", content: `request ${i}` }] }),
      }),
    );
    await res.arrayBuffer();
    statuses.push(res.status);
  }
  await runtime.pool.flushShared();
  process.stdout.write(JSON.stringify({ statuses }) + "\n");
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
