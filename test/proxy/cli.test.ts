/**
 * The built `ociai-proxy` CLI as a user runs it: flags, start-up lines, the generated
 * API key written into the config, and a graceful stop that lets a stream finish.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLI, runCli as runCliIn, runToExit as runToExitIn, type RunningCli } from "../helpers/cli-process";
import { generateTestAccount, startSimulator, type OciSimulator } from "../simulator";

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

type Running = RunningCli;
const runCli = (args: string[]) => runCliIn(args, { cwd: dir });

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

const runToExit = (args: string[], cwd = dir) => runToExitIn(args, { cwd });

test("--help and --version answer and exit 0", async () => {
  const help = await runToExit(["--help"]);
  expect(help).toMatchObject({ code: 0, stderr: "" });
  expect(help.stdout).toContain("Usage: ociai-proxy");
  expect(help.stdout).toContain("-multi-account");
  const version = await runToExit(["--version"]);
  expect(version).toMatchObject({ code: 0, stdout: `ociai-proxy ${require("../../package.json").version}\n` });
});

test("a missing ./config.conf says which example to copy", async () => {
  const empty = join(dir, "empty");
  mkdirSync(empty, { recursive: true });
  const { code, stderr } = await runToExit([], empty);
  expect(code).toBe(1);
  expect(stderr).toBe(
    "ociai-proxy: ./config.conf not found. Create it from the example: cp config/config.conf config.conf — then fill in user, fingerprint, key_file, tenancy and region\n",
  );
  const multi = await runToExit(["-multi-account"], empty);
  expect(multi.stderr).toContain("cp config/multi_config.conf multi_config.conf");
});

test("a key problem stops the start-up before the generated API key is written", async () => {
  const file = join(dir, "bad-key.conf");
  const text = configText.replace(/fingerprint = .*/, "fingerprint = 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff");
  writeFileSync(file, text);
  const { code, stderr } = await runToExit(["-config", file]);
  expect(code).toBe(1);
  expect(stderr).toMatch(/bad-key\.conf \[DEFAULT\] fingerprint: 00:11:.* is not the fingerprint of .*key\.pem/);
  expect(readFileSync(file, "utf8")).toBe(text);
});

test("single-account start-up checks the account once and logs the result", async () => {
  const good = join(dir, "checked.conf");
  writeFileSync(good, configText.replace("auto_generated_key", "sk-cli-test-0123456789"));
  const cli = await runCli(["-port", "0", "-config", good]);
  try {
    await waitForOutput(cli, /Account check passed account=default model=xai\.grok-4 latency_ms=/);
  } finally {
    cli.child.kill("SIGKILL");
    await cli.exited;
  }
  // The simulator does not know this key: the check fails and says what to do.
  const { account, privateKeyPem } = generateTestAccount();
  writeFileSync(join(dir, "unknown.pem"), privateKeyPem);
  const bad = join(dir, "unknown.conf");
  writeFileSync(
    bad,
    configText.replace("./key.pem", "./unknown.pem").replace(/fingerprint = .*/, `fingerprint = ${account.fingerprint}`).replace("auto_generated_key", "sk-cli-test-0123456789"),
  );
  const failing = await runCli(["-port", "0", "-config", bad]);
  try {
    await waitForOutput(failing, /WARN  Account check failed: fix the config, then check again with GET \/test-oci .*error="auth: /);
  } finally {
    failing.child.kill("SIGKILL");
    await failing.exited;
  }
});

async function waitForOutput(cli: Running, pattern: RegExp): Promise<void> {
  const until = Date.now() + 5_000;
  while (!pattern.test(cli.output())) {
    if (Date.now() > until) throw new Error(`no ${pattern} in:\n${cli.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
