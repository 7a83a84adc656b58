/** `npm run simulator` as a newcomer runs it: with no accounts file, and with a wrong one. */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import OpenAI from "openai";
import { loadConfig } from "../../shared/config/load-config";
import { silentLogger } from "../../shared/log/logger";
import { startProxy } from "../../shared/server/start-proxy";

const ROOT = resolve(__dirname, "../..");
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ociai-sim-script-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runSimulator(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/simulator.ts", ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once("exit", r));
  return { child, exited, out: () => ({ stdout, stderr }) };
}

test("without an accounts file it makes a key pair and a config the proxy starts with and chats through", async () => {
  const sim = runSimulator(["--port", "0", "--config-dir", dir]);
  try {
    const until = Date.now() + 15_000;
    while (!/npx ociai-proxy -config /.test(sim.out().stderr)) {
      if (Date.now() > until) throw new Error(`no ready config:\n${sim.out().stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(sim.out().stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n$/);
    const config = loadConfig(join(dir, "config.conf"), { multiAccount: false });
    const proxy = await startProxy({ config, logger: silentLogger, port: 0, host: "127.0.0.1", startupCheck: false });
    try {
      const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: config.apiKey, maxRetries: 0 });
      const answer = await client.chat.completions.create({ model: "grok-4", messages: [{ role: "user", content: "hello" }] });
      expect(answer.choices[0].message.content).toContain("hello");
    } finally {
      await proxy.close(1_000);
    }
  } finally {
    sim.child.kill("SIGTERM");
    expect(await sim.exited).toBe(0);
  }
}, 30_000);

test.each([
  ["not JSON", "{", /accounts\.json: not JSON \(/],
  ["not an array", '{"a":1}', /accounts\.json: expected a non-empty JSON array of accounts/],
  ["an entry without a key", '[{"tenancy":"t","user":"u","fingerprint":"f"}]', /accounts\.json: account \[0\] needs "publicKeyPem"/],
])("an accounts file that is %s is one clear line and exit 2", async (_what, content, message) => {
  const file = join(dir, "accounts.json");
  writeFileSync(file, content);
  const sim = runSimulator(["--port", "0", "--accounts", file]);
  expect(await sim.exited).toBe(2);
  const { stderr } = sim.out();
  expect(stderr).toMatch(message);
  expect(stderr.trim().split("\n")).toHaveLength(1);
}, 20_000);
