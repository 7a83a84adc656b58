/**
 * `npm run demo`: the proxy against the local OCI simulator, no OCI account needed.
 * Generates a throwaway key pair and config, starts the simulator and the real
 * `ociai-proxy` CLI, streams one answer through it, and keeps both running so you can
 * point any OpenAI client at it. `--once` exits after the streamed answer.
 */
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { generateTestAccount, startSimulator } from "../test/simulator";
import proxyNodeFlags from "./lib/proxy-node-flags.json";

const once = process.argv.includes("--once");
const port = Number(process.env.PORT ?? 8080);
const root = resolve(__dirname, "..");
const dir = join(root, ".demo");
let heldLogs: Buffer[] | undefined;

async function main(): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { account, privateKeyPem } = generateTestAccount();
  writeFileSync(join(dir, "demo_key.pem"), privateKeyPem, { mode: 0o600 });
  const simulator = await startSimulator({ accounts: [account], port: 0, responseWords: 40 });
  // A little pacing so the answer visibly streams, as a real model's would.
  simulator.setFaults({ interChunkMs: 40 });

  const configFile = join(dir, "config.conf");
  writeFileSync(
    configFile,
    `[DEFAULT]
# Demo account: a throwaway key pair; the simulator verifies every request's signature with it.
user = ${account.user}
fingerprint = ${account.fingerprint}
key_file = ./demo_key.pem
tenancy = ${account.tenancy}
region = us-chicago-1
# Points the account at the local OCI simulator instead of OCI.
endpoint = ${simulator.url}

api_key = auto_generated_key  # replaced with a random key on first run
force_non_stream = false
default_max_tokens = 4000

[MODELS]
grok-4 = xai.grok-4
grok-3-mini = xai.grok-3-mini
llama-3.3-70b = meta.llama-3.3-70b-instruct
command-r-plus = cohere.command-r-plus-08-2024
gpt-oss-120b = openai.gpt-oss-120b
`,
  );

  const cli = join(root, "dist/cli/ociai-proxy.js");
  const proxy = spawn(process.execPath, [...proxyNodeFlags, cli, "-port", String(port), "-config", configFile], { stdio: ["ignore", "pipe", "inherit"] });
  const stopAll = async (code: number) => {
    proxy.kill("SIGTERM");
    await simulator.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));
  proxy.on("exit", (code) => {
    if (code) void stopAll(code);
  });

  const listening = await new Promise<number>((resolveListen, reject) => {
    let seen = "";
    proxy.stdout!.on("data", (data: Buffer) => {
      // While the answer streams, hold the proxy's log lines so they do not cut into it.
      if (heldLogs) heldLogs.push(data);
      else process.stdout.write(data);
      seen += data.toString();
      const match = /Starting server on port (\d+)/.exec(seen);
      if (match) resolveListen(Number(match[1]));
    });
    proxy.once("exit", () => reject(new Error("the proxy exited during start-up")));
  });

  const apiKey = /^api_key\s*=\s*(\S+)/m.exec(readFileSync(configFile, "utf8"))![1];
  const baseURL = `http://127.0.0.1:${listening}/v1`;
  const curl = `curl -N ${baseURL}/chat/completions -H "Authorization: Bearer ${apiKey}" -H "Content-Type: application/json" \\\n  -d '{"model":"grok-4","stream":true,"messages":[{"role":"user","content":"Hello from the demo"}]}'`;

  console.log(`\n=== OCI AI Proxy demo (simulated OCI at ${simulator.url}) ===`);
  console.log(`Base URL: ${baseURL}\nAPI key:  ${apiKey}\nModels:   grok-4, grok-3-mini, llama-3.3-70b, command-r-plus, gpt-oss-120b\n`);
  console.log(`Try it:\n${curl}\n`);
  console.log("Streaming one answer now:\n");
  heldLogs = [];

  const res = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "grok-4", stream: true, messages: [{ role: "user", content: "Hello from the demo" }] }),
  });
  const decoder = new TextDecoder();
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    for (const line of decoder.decode(bytes, { stream: true }).split("\n")) {
      if (!line.startsWith("data: ") || line === "data: [DONE]") continue;
      const chunk = JSON.parse(line.slice(6));
      process.stdout.write(chunk.choices?.[0]?.delta?.content ?? "");
    }
  }
  console.log("\n");
  for (const line of heldLogs) process.stdout.write(line);
  heldLogs = undefined;
  console.log("\n(streamed through the proxy; the config with its generated key is in .demo/config.conf)");

  if (once) return stopAll(0);
  console.log("Proxy and simulator keep running; Ctrl-C stops both.");
}

main().catch((err) => {
  console.error(`demo failed: ${(err as Error).message}`);
  process.exit(1);
});
