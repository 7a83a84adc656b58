/**
 * `npm run demo`: the proxy against the local OCI simulator, no OCI account needed.
 * Generates a throwaway key pair and config, starts the simulator and the real
 * `ociai-proxy` CLI, streams one answer through it, and keeps both running so you can
 * point any OpenAI client at it. `--once` exits after the streamed answer; `--port N`
 * (or $PORT) picks the proxy's port. Stopping the demo (Ctrl-C, SIGTERM) stops both.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { generateTestAccount, startSimulator, type OciSimulator } from "../test/simulator";
import proxyNodeFlags from "./lib/proxy-node-flags.json";

const USAGE = `usage: npm run demo [-- --port 8080] [-- --once]

Starts a local OCI simulator and the ociai-proxy CLI in front of it (no OCI account needed),
streams one answer through the proxy and prints how to connect. Ctrl-C stops both.

  --port N   the proxy's port (default 8080, or $PORT; 0 = any free port)
  --once     exit after the streamed answer
  -h, --help this text`;

const root = resolve(__dirname, "..");
const dir = join(root, ".demo");
let heldLogs: Buffer[] | undefined;
let proxy: ChildProcess | undefined;
let simulator: OciSimulator | undefined;
let stopping: Promise<never> | undefined;

function parseDemoArgs(): { port: number; once: boolean } {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: process.env.PORT ?? "8080" },
      once: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const port = /^\d+$/.test(values.port) ? Number(values.port) : NaN;
  if (!(port <= 65535)) throw new Error(`--port: expected a port number, got "${values.port}"`);
  return { port, once: values.once };
}

/**
 * Stops what the demo started: the proxy (let it finish, SIGKILL after 5 s) and the
 * simulator, then exits. Ctrl-C reaches the proxy too (same process group), so it is only
 * signalled if still running a moment later.
 */
function stopAll(code: number, signal?: NodeJS.Signals): Promise<never> {
  stopping ??= (async () => {
    const child = proxy;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
      const wait = (ms: number) => Promise.race([exited, new Promise((r) => setTimeout(r, ms).unref())]);
      if (signal !== "SIGINT" || (await wait(1_000)) === undefined) child.kill("SIGTERM");
      if ((await wait(5_000)) === undefined) child.kill("SIGKILL");
      await exited;
    }
    await simulator?.close();
    process.exit(code);
  })();
  return stopping;
}

async function main(): Promise<void> {
  const { port, once } = parseDemoArgs();
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void stopAll(0, signal));

  mkdirSync(dir, { recursive: true });
  const { account, privateKeyPem } = generateTestAccount();
  writeFileSync(join(dir, "demo_key.pem"), privateKeyPem, { mode: 0o600 });
  simulator = await startSimulator({ accounts: [account], port: 0, responseWords: 40 });
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
  const child = spawn(process.execPath, [...proxyNodeFlags, cli, "-port", String(port), "-config", configFile], { stdio: ["ignore", "pipe", "inherit"] });
  proxy = child;
  child.on("exit", (code) => {
    if (!stopping) void stopAll(code || 1);
  });

  const listening = await new Promise<number>((resolveListen, reject) => {
    let seen = "";
    child.stdout!.on("data", (data: Buffer) => {
      // While the answer streams, hold the proxy's log lines so they do not cut into it.
      if (heldLogs) heldLogs.push(data);
      else process.stdout.write(data);
      seen += data.toString();
      const match = /Starting server on port (\d+)/.exec(seen);
      if (match) resolveListen(Number(match[1]));
    });
    child.once("exit", () => reject(new Error("the proxy exited during start-up")));
  });

  const apiKey = /^api_key\s*=\s*(\S+)/m.exec(readFileSync(configFile, "utf8"))![1];
  const origin = `http://127.0.0.1:${listening}`;
  const baseURL = `${origin}/v1`;
  const curl = `curl -N ${baseURL}/chat/completions -H "Authorization: Bearer ${apiKey}" -H "Content-Type: application/json" \\\n  -d '{"model":"grok-4","stream":true,"messages":[{"role":"user","content":"Hello from the demo"}]}'`;

  console.log(`\n=== OCI AI Proxy demo (simulated OCI at ${simulator!.url}) ===`);
  console.log(`Base URL: ${baseURL}\nAPI key:  ${apiKey}\nModels:   grok-4, grok-3-mini, llama-3.3-70b, command-r-plus, gpt-oss-120b`);
  console.log(`Dashboard: ${origin}/dashboard (paste the API key)\nMetrics:   ${origin}/metrics (Prometheus; send the API key as Bearer)\n`);
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
  void stopAll(1);
});
