/**
 * The built `ociai-proxy` CLI as a user runs it: flags, start-up lines, the generated
 * API key written into the config, and a graceful stop that lets a stream finish.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateTestAccount, startSimulator, type OciSimulator } from "../simulator";

const CLI = resolve(__dirname, "../../dist/cli/ociai-proxy.js");

let dir: string;
let sim: OciSimulator;
let configFile: string;
let configText: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ociai-cli-"));
  const { account, privateKeyPem } = generateTestAccount();
  writeFileSync(join(dir, "key.pem"), privateKeyPem);
  sim = await startSimulator({ accounts: [account] });
  configFile = join(dir, "config.conf");
  configText = [
    "[DEFAULT]",
    "# OCI credentials",
    `user = ${account.user}`,
    `fingerprint = ${account.fingerprint}`,
    "key_file = ./key.pem",
    `tenancy = ${account.tenancy}`,
    "region = us-phoenix-1",
    `endpoint = ${sim.url}`,
    "",
    "api_key = auto_generated_key  # generated on first run",
    "force_non_stream = false      # keep streaming",
    "",
    "[MODELS]",
    "grok-4 = xai.grok-4",
    "grok-3 = xai.grok-3",
    "",
  ].join("\n");
  writeFileSync(configFile, configText);
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Running {
  child: ChildProcess;
  output: () => string;
  port: number;
  exited: Promise<number | null>;
}

async function runCli(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setInterval(() => {
      const match = /Starting server on port (\d+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolvePort(Number(match[1]));
      }
    }, 20);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`CLI exited during start-up:\n${output}`));
    });
  });
  return { child, output: () => output, port, exited };
}

test("starts with -port/-config, writes a generated key into the config keeping every other line, and serves it", async () => {
  const cli = await runCli(["-port", "0", "-config", "config.conf"]);
  try {
    const written = readFileSync(configFile, "utf8");
    const key = /^api_key = (\S+)  # generated on first run$/m.exec(written)?.[1];
    expect(key).toMatch(/^sk-oci-/);
    expect(written.split("\n").filter((l) => !l.startsWith("api_key"))).toEqual(configText.split("\n").filter((l) => !l.startsWith("api_key")));
    expect(cli.output()).toContain("Loaded 2 models from config");
    expect(cli.output()).toContain(`wrote it to ${configFile}`);
    expect(cli.output()).not.toContain(key);

    const res = await fetch(`http://127.0.0.1:${cli.port}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    // One structured line per request, without the key.
    await new Promise((r) => setTimeout(r, 50));
    expect(cli.output()).toMatch(/request method=GET path=\/v1\/models status=200/);
  } finally {
    cli.child.kill("SIGKILL");
    await cli.exited;
  }
});

test("SIGTERM lets an in-flight stream finish, then exits 0", async () => {
  const cli = await runCli(["--port=0", `--config=${configFile}`]);
  const key = /^api_key = (\S+)/m.exec(readFileSync(configFile, "utf8"))![1];
  sim.setFaults({ interChunkMs: 60 });
  try {
    const res = await fetch(`http://127.0.0.1:${cli.port}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "grok-4", stream: true, messages: [{ role: "user", content: "a long answer please" }] }),
    });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    cli.child.kill("SIGTERM");
    let text = new TextDecoder().decode(first.value);
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
    expect(await cli.exited).toBe(0);
  } finally {
    sim.setFaults(null);
    cli.child.kill("SIGKILL");
  }
});

test("a bad config names the file, section and key, and exits non-zero", async () => {
  const bad = join(dir, "bad.conf");
  writeFileSync(bad, configText.replace("region = us-phoenix-1", "region = us-phoenix-1\ndefault_max_tokens = lots"));
  const child = spawn(process.execPath, [CLI, "-config", bad], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  const code = await new Promise((r) => child.once("exit", r));
  expect(code).toBe(1);
  expect(err).toMatch(/bad\.conf \[DEFAULT\] default_max_tokens: .*"lots"/);
});

test("an unknown flag prints usage and exits 2", async () => {
  const child = spawn(process.execPath, [CLI, "-prot", "9000"], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  expect(await new Promise((r) => child.once("exit", r))).toBe(2);
  expect(err).toContain("unknown flag -prot");
  expect(err).toContain("Usage: ociai-proxy");
});
