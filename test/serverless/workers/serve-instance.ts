/**
 * One serverless "instance" in its own process, serving its app over HTTP: builds the
 * runtime from env (as a cold start does), writes its shared state after each response
 * (as the Lambda and FDK adapters do) and prints `{"url": …}` once it listens. It runs
 * until its parent closes its stdin.
 */
import { serve } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import { flushAfterResponse } from "../../../shared/adapters/flush-after-response";
import { createServerlessRuntime } from "../../../shared/serverless/serverless-runtime";

async function main(): Promise<void> {
  const runtime = await createServerlessRuntime({ env: process.env, bundleDir: __dirname, secrets: { get: async () => "" }, apiKeySecretVariable: "UNUSED" });
  const fetch = async (request: Request) => flushAfterResponse(await runtime.app.fetch(request), runtime.flush);
  const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => {
    process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${info.port}` }) + "\n");
  });
  process.stdin.resume();
  process.stdin.on("end", () => server.close(() => process.exit(0)));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err));
  process.exit(1);
});
