/** The team-keys admin API over real HTTP: create, list, get, patch, revoke, validation, auth. */
import { KeyRefusedError } from "../../shared/keys/key-refusal";
import { ADMIN_KEY, startAdminServer, type AdminServer } from "./admin-server";

let server: AdminServer;
beforeAll(async () => {
  server = await startAdminServer();
});
afterAll(() => server.close());

async function call(method: string, path: string, body?: unknown, key: string | null = ADMIN_KEY) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  const res = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, text, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

test("POST /admin/keys: 201 with the key shown once; it works at once, and no listing ever shows it or its hash", async () => {
  const created = await call("POST", "/admin/keys", { name: "data-team", models: ["grok-4"], rpm: 60, tpm: 100000, daily_tokens: 2000000, expires_at: "2099-01-31T00:00:00Z" });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({
    id: expect.stringMatching(/^key_[0-9a-f]{16}$/),
    object: "api_key",
    key: expect.stringMatching(/^sk-oci-[A-Za-z0-9_-]{43}$/),
    name: "data-team",
    status: "active",
    models: ["grok-4"],
    rpm: 60,
    tpm: 100000,
    daily_tokens: 2000000,
    expires_at: "2099-01-31T00:00:00.000Z",
    revoked_at: null,
    usage: { requests: 0, prompt_tokens: 0, completion_tokens: 0, total_tokens: 0, last_used_at: null },
  });
  const { key, id } = created.body;
  expect(created.body.key_hint).toBe(`sk-oci-…${key.slice(-4)}`);

  // The key is usable through the same TeamKeys the admin API wrote to.
  const teamKey = await server.keys.authenticate(key);
  (await server.keys.admit(teamKey, "grok-4")).finish({ promptTokens: 30, completionTokens: 12 });

  const listed = await call("GET", "/admin/keys");
  expect(listed.status).toBe(200);
  expect(listed.body.object).toBe("list");
  const entry = listed.body.data.find((k: { id: string }) => k.id === id);
  expect(entry).toMatchObject({ name: "data-team", usage: { requests: 1, prompt_tokens: 30, completion_tokens: 12, total_tokens: 42 } });
  expect(entry.usage.models["grok-4"]).toMatchObject({ requests: 1, total_tokens: 42, today: { requests: 1 } });
  expect(entry.usage.last_used_at).toEqual(expect.any(String));
  const one = await call("GET", `/admin/keys/${id}`);
  const stats = await call("GET", "/stats/keys");
  for (const res of [listed, one, stats]) {
    expect(res.text).not.toContain(key);
    expect(res.text).not.toContain(key.slice(7, 20));
    expect(res.text).not.toMatch(/[0-9a-f]{64}/); // no hash
    expect(res.text).not.toContain('"key"');
  }
  expect(one.body).toMatchObject({ id, usage: { requests: 1, today: { requests: 1, total_tokens: 42 } } });
  expect(stats.body.keys.map((k: { id: string }) => k.id)).toContain(id);
});

test("PATCH changes only what is sent (null clears a limit); DELETE revokes for good", async () => {
  const { body: created } = await call("POST", "/admin/keys", { name: "app", rpm: 10, tpm: 500 });
  const patched = await call("PATCH", `/admin/keys/${created.id}`, { rpm: null, name: "app v2", models: ["llama-4", "grok-4", "llama-4"] });
  expect(patched.status).toBe(200);
  expect(patched.body).toMatchObject({ name: "app v2", rpm: null, tpm: 500, models: ["llama-4", "grok-4"], status: "active" });
  expect(Date.parse(patched.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(patched.body.created_at));

  const revoked = await call("DELETE", `/admin/keys/${created.id}`);
  expect(revoked.status).toBe(200);
  expect(revoked.body).toMatchObject({ id: created.id, status: "revoked", revoked_at: expect.any(String) });
  await expect(server.keys.authenticate(created.key)).rejects.toBeInstanceOf(KeyRefusedError);
  expect((await call("DELETE", `/admin/keys/${created.id}`)).body.revoked_at).toBe(revoked.body.revoked_at);
  const again = await call("PATCH", `/admin/keys/${created.id}`, { rpm: 5 });
  expect(again.status).toBe(409);
  expect(again.body.error).toMatchObject({ type: "invalid_request_error", code: "key_revoked" });
  expect((await call("GET", "/admin/keys")).body.data.find((k: { id: string }) => k.id === created.id).status).toBe("revoked");
});

test("an unknown id is a 404 in OpenAI's shape, for every method", async () => {
  for (const [method, body] of [["GET"], ["PATCH", { rpm: 1 }], ["DELETE"]] as const) {
    const res = await call(method, "/admin/keys/key_0000000000000000", body);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ type: "not_found_error", code: "key_not_found", param: "id" });
  }
});

test.each([
  ["missing name", {}, "name", /Missing required parameter: 'name'/],
  ["blank name", { name: "  " }, "name", /1 to 100 characters/],
  ["control characters in the name", { name: "a\u001b[31mb" }, "name", /control characters/],
  ["unknown field", { name: "x", rmp: 5 }, "rmp", /Unrecognized request argument supplied: rmp/],
  ["rpm of 0", { name: "x", rpm: 0 }, "rpm", /integer below minimum value/],
  ["rpm as a string", { name: "x", rpm: "60" }, "rpm", /expected an integer, but got a string/],
  ["fractional tpm", { name: "x", tpm: 1.5 }, "tpm", /expected an integer/],
  ["negative daily_tokens", { name: "x", daily_tokens: -1 }, "daily_tokens", /below minimum/],
  ["models not an array", { name: "x", models: "grok-4" }, "models", /an array of model names/],
  ["empty models", { name: "x", models: [] }, "models", /empty/],
  ["a model that is not configured", { name: "x", models: ["grok-4", "gpt-9"] }, "models[1]", /'gpt-9'. Supported values are: grok-4, llama-4, cohere-command/],
  ["expires_at in the past", { name: "x", expires_at: "2001-01-01T00:00:00Z" }, "expires_at", /not in the future/],
  ["expires_at without a zone", { name: "x", expires_at: "2099-01-01T10:00:00" }, "expires_at", /ISO 8601/],
  ["expires_at as a number", { name: "x", expires_at: 4102444800 }, "expires_at", /Invalid type/],
  ["a body that is not an object", [1, 2], null, /JSON object/],
])("POST /admin/keys with %s is a 400 naming the field", async (_label, body, param, message) => {
  const res = await call("POST", "/admin/keys", body);
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ type: "invalid_request_error", param });
  expect(res.body.error.message).toMatch(message);
});

test("bad JSON and an empty PATCH are 400s; nothing was created by any refused request", async () => {
  const before = (await call("GET", "/admin/keys")).body.data.length;
  const broken = await call("POST", "/admin/keys", '{"name": ');
  expect(broken.status).toBe(400);
  expect(broken.body.error.message).toMatch(/could not parse the JSON body/);
  const { body: created } = await call("POST", "/admin/keys", { name: "p" });
  const empty = await call("PATCH", `/admin/keys/${created.id}`, {});
  expect(empty.status).toBe(400);
  expect(empty.body.error.message).toMatch(/Nothing to change/);
  expect((await call("GET", "/admin/keys")).body.data.length).toBe(before + 1);
});

test("every admin route needs the admin key: none or a wrong one get 401, a live team key 403 saying why", async () => {
  const { body: created } = await call("POST", "/admin/keys", { name: "not-an-admin" });
  for (const key of [null, "sk-wrong", created.key]) {
    for (const [method, path] of [["POST", "/admin/keys"], ["GET", "/admin/keys"], ["GET", `/admin/keys/${created.id}`], ["PATCH", `/admin/keys/${created.id}`], ["DELETE", `/admin/keys/${created.id}`], ["GET", "/stats/keys"]]) {
      const res = await call(method, path, method === "POST" || method === "PATCH" ? { name: "sneaky" } : undefined, key);
      const teamKey = key === created.key;
      expect({ method, path, status: res.status }).toEqual({ method, path, status: teamKey ? 403 : 401 });
      expect(res.body.error).toMatchObject(teamKey ? { type: "permission_error", code: "admin_key_required" } : { type: "authentication_error", code: "invalid_api_key" });
      if (teamKey) expect(res.body.error.message).toMatch(/needs the admin key/);
    }
  }
  expect((await call("GET", `/admin/keys/${created.id}`)).body).toMatchObject({ name: "not-an-admin", status: "active" });
});
