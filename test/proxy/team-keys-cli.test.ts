/**
 * Team keys with the real CLI, as one admin on one machine runs them: `ociai-proxy keys …`
 * against a running `ociai-proxy`, keys and usage in the state file beside the config
 * (atomic, 0600, hashes only), kept across a restart.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { runCli, runToExit, type RunningCli } from "../helpers/cli-process";
import { writeConfig } from "../helpers/write-config";
import { generateTestAccount, startSimulator, type OciSimulator } from "../simulator";

const ADMIN_KEY = "sk-cli-admin-0123456789abcdef";
let dir: string;
let sim: OciSimulator;
let stateFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ociai-keys-cli-"));
  const { account, privateKeyPem } = generateTestAccount();
  writeFileSync(join(dir, "key.pem"), privateKeyPem);
  sim = await startSimulator({ accounts: [account] });
  stateFile = join(dir, "config.state.json");
  writeConfig(dir, {
    mode: "single",
    apiKey: ADMIN_KEY,
    models: { "grok-4": "xai.grok-4", "grok-3": "xai.grok-3" },
    accounts: [{ section: "DEFAULT", keys: { user: account.user, fingerprint: account.fingerprint, key_file: "./key.pem", tenancy: account.tenancy, region: "us-phoenix-1", endpoint: sim.url } }],
  });
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

// A long cache period: usage reaches the file only when the proxy shuts down, which is what is tested.
const serverEnv = { ...process.env, OCIAI_STATE_CACHE_MS: "60000" };
const startProxy = () => runCli(["-port", "0", "-config", "config.conf", "-host", "127.0.0.1"], { cwd: dir, env: serverEnv });
const keys = (proxy: RunningCli, ...args: string[]) =>
  runToExit(["keys", ...args], { cwd: dir, env: { ...process.env, OCIAI_PROXY_URL: `http://127.0.0.1:${proxy.port}`, OCIAI_ADMIN_KEY: ADMIN_KEY } });
const client = (proxy: RunningCli, key: string) => new OpenAI({ baseURL: `http://127.0.0.1:${proxy.port}/v1`, apiKey: key, maxRetries: 0 });
const hi = [{ role: "user" as const, content: "hi" }];

async function stop(proxy: RunningCli): Promise<void> {
  proxy.child.kill("SIGTERM");
  expect(await proxy.exited).toBe(0);
}

test("keys made with `ociai-proxy keys` live hashed in a 0600 state file, written whole, and survive a restart with their usage", async () => {
  let proxy = await startProxy();
  try {
    expect(proxy.output()).toContain(`Team keys are kept in ${stateFile}`);
    const created = await keys(proxy, "create", "--name", "data-team", "--models", "grok-4", "--rpm", "1000");
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^sk-oci-[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/Created key_[0-9a-f]{16} "data-team" \(models: grok-4; rpm 1000\)\. The key is shown only this once/);
    const id = /Created (key_[0-9a-f]{16})/.exec(created.stderr)![1];

    // Requests while the file is rewritten: every read of it is a whole file.
    const user = client(proxy, key);
    let reads = 0;
    let done = false;
    const reading = (async () => {
      while (!done) {
        JSON.parse(readFileSync(stateFile, "utf8"));
        reads++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (let i = 0; i < 5; i++) {
      await user.chat.completions.create({ model: "grok-4", messages: hi });
      await keys(proxy, "update", id, "--tpm", String(100_000 + i));
    }
    done = true;
    await reading;
    expect(reads).toBeGreaterThan(10);
    const stream = await user.chat.completions.create({ model: "grok-4", messages: hi, stream: true });
    for await (const chunk of stream) expect(chunk.object).toBe("chat.completion.chunk");

    const listed = await keys(proxy, "list");
    expect(listed.stdout).toMatch(new RegExp(`${id}\\s+data-team\\s+active\\s+grok-4\\s+1000\\s+100004\\s+-\\s+6\\s`));
    // The admin listing wrote the usage so far; this request's reaches the file only on shutdown.
    await user.chat.completions.create({ model: "grok-4", messages: hi });
    await stop(proxy);

    const text = readFileSync(stateFile, "utf8");
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice("sk-oci-".length));
    expect(text).toContain(require("node:crypto").createHash("sha256").update(key).digest("hex"));
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);

    proxy = await startProxy();
    expect((await client(proxy, key).chat.completions.create({ model: "grok-4", messages: hi })).choices).toHaveLength(1);
    const shown = await keys(proxy, "show", id);
    expect(shown.code).toBe(0);
    // Seven requests before the restart (the last written on shutdown), one after.
    expect(shown.stdout).toMatch(/total {6}8 requests, \d+ prompt \+ \d+ completion tokens/);
    expect(shown.stdout).toMatch(/grok-4: 8 requests/);

    const revoked = await keys(proxy, "revoke", id);
    expect(revoked).toMatchObject({ code: 0, stderr: expect.stringMatching(new RegExp(`Revoked ${id} "data-team" at `)) });
    expect(await client(proxy, key).models.list().catch((e) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
    await stop(proxy);

    proxy = await startProxy();
    expect(await client(proxy, key).models.list().catch((e) => e)).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((await keys(proxy, "list", "--json")).stdout).toContain('"status": "revoked"');
  } finally {
    proxy.child.kill("SIGKILL");
    await proxy.exited;
  }
}, 60_000);

test("`keys` says what is wrong: a wrong admin key, a team key as the admin key, no proxy, and --help in the CLI's help", async () => {
  const proxy = await startProxy();
  try {
    const url = { ...process.env, OCIAI_PROXY_URL: `http://127.0.0.1:${proxy.port}` };
    const wrong = await runToExit(["keys", "list"], { cwd: dir, env: { ...url, OCIAI_ADMIN_KEY: "sk-wrong" } });
    expect(wrong).toMatchObject({ code: 1, stderr: expect.stringContaining("401 Invalid API key") });
    const created = await keys(proxy, "create", "--name", "not-admin");
    const asTeam = await runToExit(["keys", "list"], { cwd: dir, env: { ...url, OCIAI_ADMIN_KEY: created.stdout.trim() } });
    expect(asTeam).toMatchObject({ code: 1, stderr: expect.stringContaining("403 This endpoint needs the admin key") });
  } finally {
    await stop(proxy);
  }
  const down = await runToExit(["keys", "list"], { cwd: dir, env: { ...process.env, OCIAI_PROXY_URL: `http://127.0.0.1:${proxy.port}`, OCIAI_ADMIN_KEY: ADMIN_KEY } });
  expect(down).toMatchObject({ code: 1, stderr: expect.stringContaining("cannot reach the proxy") });
  const help = await runToExit(["--help"], { cwd: dir });
  expect(help.stdout).toContain("ociai-proxy keys create|list|show|update|revoke");
  const keysHelp = await runToExit(["keys", "--help"], { cwd: dir });
  expect(keysHelp).toMatchObject({ code: 0, stdout: expect.stringContaining("create --name NAME") });
}, 30_000);

test("a state file that is not one stops the start with one line naming it; a folder that cannot take one leaves keys in memory, with a warning", async () => {
  const broken = join(dir, "broken.state.json");
  writeFileSync(broken, "{ not json");
  const refused = await runToExit(["-port", "0", "-config", "config.conf"], { cwd: dir, env: { ...process.env, OCIAI_STATE_FILE: broken } });
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(new RegExp(`^ociai-proxy: state file ${broken}: not valid JSON .*; fix or move it away\\n$`));
  expect(readFileSync(broken, "utf8")).toBe("{ not json");
  const badCache = await runToExit(["-port", "0", "-config", "config.conf"], { cwd: dir, env: { ...process.env, OCIAI_STATE_CACHE_MS: "1s" } });
  expect(badCache).toMatchObject({ code: 1, stderr: 'ociai-proxy: OCIAI_STATE_CACHE_MS must be a whole number of milliseconds (0 or more), got "1s"\n' });

  const proxy = await runCli(["-port", "0", "-config", "config.conf"], { cwd: dir, env: { ...process.env, OCIAI_STATE_FILE: join(dir, "no-such-folder", "x.state.json") } });
  try {
    expect(proxy.output()).toMatch(/WARN +Team keys are kept in memory only \(they will not survive a restart\): cannot create the state file; set OCIAI_STATE_FILE/);
    const created = await keys(proxy, "create", "--name", "in-memory");
    expect((await client(proxy, created.stdout.trim()).models.list()).data.length).toBe(2);
  } finally {
    await stop(proxy);
  }
});
