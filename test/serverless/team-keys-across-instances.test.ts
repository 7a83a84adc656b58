/**
 * Team keys on a serverless deploy: two proxy processes, each built the way a cold start
 * builds it, sharing one DynamoDB table (dynalite) and nothing else. A key made through one
 * works on the other; a revocation on one is refused by the other within
 * OCIAI_STATE_CACHE_MS (1 s); one rpm limit holds across both together.
 */
import OpenAI from "openai";
import { startDynamoDbDeploy, startInstanceProcess, type DynamoDbDeploy, type InstanceProcess } from "../helpers/serverless-instance";

const ADMIN_KEY = "sk-team-keys-across-instances";
const CACHE_MS = 1_000;

let deploy: DynamoDbDeploy;
let instances: InstanceProcess[] = [];

beforeAll(async () => {
  deploy = await startDynamoDbDeploy(ADMIN_KEY);
  // The default cache period, said out loud: the test's promise is "within 1 s".
  const env = { ...deploy.env, OCIAI_STATE_CACHE_MS: String(CACHE_MS) };
  instances = await Promise.all([startInstanceProcess(env), startInstanceProcess(env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await deploy.close();
});

async function adminCall(instance: InstanceProcess, method: string, path: string, body?: unknown): Promise<any> {
  const res = await fetch(instance.url + path, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(res.ok).toBe(true);
  return res.json();
}

const client = (instance: InstanceProcess, key: string) => new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: key, maxRetries: 0 });
const chatStatus = (instance: InstanceProcess, key: string) =>
  client(instance, key)
    .chat.completions.create({ model: "grok-4", messages: [{ role: "user", content: "hi" }] })
    .then(() => 200, (err: { status?: number }) => err.status ?? 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("a key created through one instance works at once on the other", async () => {
  const [a, b] = instances;
  const { key, id } = await adminCall(a, "POST", "/admin/keys", { name: "made-on-a" });
  expect(await chatStatus(b, key)).toBe(200);
  expect((await adminCall(b, "GET", `/admin/keys/${id}`)).usage.requests).toBe(1);
});

test("a key revoked on one instance is refused by the other within OCIAI_STATE_CACHE_MS", async () => {
  const [a, b] = instances;
  const { key, id } = await adminCall(a, "POST", "/admin/keys", { name: "revoked-on-a" });
  // b has the key in its cached view, and keeps it warm.
  expect(await chatStatus(b, key)).toBe(200);
  await adminCall(a, "DELETE", `/admin/keys/${id}`);
  const revokedAt = Date.now();
  // Requests b takes within the cache period may still pass; from then on none may.
  let refusedAfterMs: number | undefined;
  while (Date.now() - revokedAt < CACHE_MS) {
    const status = await chatStatus(b, key);
    if (status === 401) {
      refusedAfterMs ??= Date.now() - revokedAt;
    } else {
      expect(status).toBe(200);
      expect(refusedAfterMs).toBeUndefined(); // once refused, never served again
    }
    await sleep(50);
  }
  expect(await chatStatus(b, key)).toBe(401);
  const err = await client(b, key).models.list().catch((e) => e);
  expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
  expect(err.message).toMatch(/revoked/);
});

test("one rpm limit holds across both instances together (within one cache period)", async () => {
  const [a, b] = instances;
  const rpm = 10;
  const { key, id } = await adminCall(a, "POST", "/admin/keys", { name: "shared-rpm", rpm });
  const statuses: number[] = [];
  // A steady stream of requests alternating between the instances, faster than the limit.
  for (let i = 0; i < 30; i++) {
    statuses.push(await chatStatus(i % 2 === 0 ? a : b, key));
    await sleep(50);
  }
  const served = statuses.filter((status) => status === 200).length;
  expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
  // Never fewer than the limit; more only by what the other instance served within one
  // cache period before this one saw it (here at most one request every 100 ms each).
  expect(served).toBeGreaterThanOrEqual(rpm);
  expect(served).toBeLessThanOrEqual(rpm + CACHE_MS / 200);
  // Both instances' counts add up, whichever one is asked.
  for (const instance of instances) expect((await adminCall(instance, "GET", `/admin/keys/${id}`)).usage.requests).toBe(served);
});
