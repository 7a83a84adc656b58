/** `ociai-proxy keys …` against the admin API served over real HTTP. */
import { createServer, type AddressInfo } from "node:net";
import { runKeysCommand } from "../../scripts/lib/keys-command";
import { ADMIN_KEY, startAdminServer, type AdminServer } from "./admin-server";

let server: AdminServer;
beforeAll(async () => {
  server = await startAdminServer();
});
afterAll(() => server.close());

async function cli(args: string[], env: NodeJS.ProcessEnv = { OCIAI_PROXY_URL: server.url, OCIAI_ADMIN_KEY: ADMIN_KEY }) {
  let stdout = "";
  let stderr = "";
  const code = await runKeysCommand(args, { env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

test("create prints the new key alone on stdout, once; it works; list and show never print it", async () => {
  const created = await cli(["create", "--name", "ci bot", "--models", "grok-4, llama-4", "--rpm", "60", "--daily-tokens=500000"]);
  expect(created).toMatchObject({ code: 0 });
  const key = created.stdout.trim();
  expect(key).toMatch(/^sk-oci-[A-Za-z0-9_-]{43}$/);
  expect(created.stderr).toMatch(/^Created key_[0-9a-f]{16} "ci bot" \(models: grok-4, llama-4; rpm 60; daily tokens 500000\)\. The key is shown only this once:/);
  const teamKey = await server.keys.authenticate(key);
  (await server.keys.admit(teamKey, "llama-4")).finish({ promptTokens: 40, completionTokens: 2 });

  const list = await cli(["list"]);
  expect(list.code).toBe(0);
  const [header, ...rows] = list.stdout.trimEnd().split("\n");
  expect(header.split(/\s{2,}/)).toEqual(["ID", "NAME", "STATUS", "MODELS", "RPM", "TPM", "DAILY", "REQUESTS", "TOKENS TODAY", "LAST USED"]);
  const row = rows.find((r) => r.startsWith(teamKey.id))!;
  expect(row.split(/\s{2,}/).slice(1, 9)).toEqual(["ci bot", "active", "grok-4,llama-4", "60", "-", "500000", "1", "42"]);

  const show = await cli(["show", teamKey.id]);
  expect(show.stdout).toContain(`key        sk-oci-…${key.slice(-4)}`);
  expect(show.stdout).toMatch(/llama-4: 1 requests, 42 tokens; today 1 requests, 42 tokens/);
  for (const out of [list, show]) expect(out.stdout + out.stderr).not.toContain(key);
});

test("update and revoke by id; a revoked key is refused", async () => {
  const key = (await cli(["create", "--name", "temp"])).stdout.trim();
  const { id } = await server.keys.authenticate(key);
  const updated = await cli(["update", id, "--rpm", "5", "--models", "grok-4", "--expires-at", "2099-12-31"]);
  expect(updated).toMatchObject({ code: 0, stdout: "" });
  expect(updated.stderr).toBe(`Updated ${id} "temp" (models: grok-4; rpm 5; expires 2099-12-31T00:00:00.000Z).\n`);
  const cleared = await cli(["update", id, "--rpm", "none", "--models", "all", "--json"]);
  expect(JSON.parse(cleared.stdout)).toMatchObject({ id, rpm: null, models: null, expires_at: "2099-12-31T00:00:00.000Z" });

  const revoked = await cli(["revoke", id]);
  expect(revoked.code).toBe(0);
  expect(revoked.stderr).toMatch(new RegExp(`^Revoked ${id} "temp" at \\d{4}-`));
  await expect(server.keys.authenticate(key)).rejects.toMatchObject({ refusal: { why: "revoked" } });
});

test("--json prints the API's JSON; --url and --admin-key flags work without the environment", async () => {
  const out = await cli(["create", "--name", "j", "--json", "--url", server.url + "/", "--admin-key", ADMIN_KEY], {});
  expect(out.code).toBe(0);
  expect(JSON.parse(out.stdout)).toMatchObject({ name: "j", key: expect.stringMatching(/^sk-oci-/), status: "active" });
});

test.each([
  [["create"], 2, /create needs --name/],
  [["revoke"], 2, /revoke needs a key id/],
  [["update", "key_1"], 2, /update needs at least one of --name/],
  [["list", "--rpm", "5"], 2, /--rpm only goes with create or update/],
  [["rotate"], 2, /unknown command "rotate"/],
  [["list", "--colour"], 2, /unknown flag --colour/],
  [["create", "--name", "x", "--rpm", "sixty"], 1, /^ociai-proxy keys: 400 Invalid type for 'rpm': expected an integer, but got a string instead\./],
  [["create", "--name", "x", "--models", "gpt-9"], 1, /400 Invalid value for 'models\[0\]': 'gpt-9'/],
  [["show", "key_0000000000000000"], 1, /404 No API key with id 'key_0000000000000000'/],
])("keys %j exits %i with a clear message", async (args, code, message) => {
  const out = await cli(args);
  expect(out.code).toBe(code);
  expect(out.stdout).toBe("");
  expect(out.stderr).toMatch(message);
});

test("a wrong admin key, no admin key, or no proxy at the URL are one clear line each", async () => {
  expect((await cli(["list"], { OCIAI_PROXY_URL: server.url, OCIAI_ADMIN_KEY: "sk-wrong" })).stderr).toMatch(/401 Invalid API key.*is OCIAI_ADMIN_KEY the proxy's api_key\?/);
  expect(await cli(["list"], { OCIAI_PROXY_URL: server.url })).toMatchObject({ code: 2, stderr: expect.stringMatching(/no admin key: set OCIAI_ADMIN_KEY/) });
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve)); // nothing listens there now
  const nowhere = await cli(["list"], { OCIAI_PROXY_URL: `http://127.0.0.1:${port}`, OCIAI_ADMIN_KEY: ADMIN_KEY });
  expect(nowhere).toMatchObject({ code: 1, stderr: `ociai-proxy keys: cannot reach the proxy at http://127.0.0.1:${port}: ECONNREFUSED\n` });
});

test("help", async () => {
  const out = await cli(["--help"], {});
  expect(out).toMatchObject({ code: 0, stdout: expect.stringContaining("Usage: ociai-proxy keys <command>") });
});
