/**
 * The Responses store on each backend: memory (the CLI), the real oci-objectstorage SDK
 * against the local object server (OCI Functions), with its TTL, gzip for conversations
 * too large for a DynamoDB item, and the CLI's memory cap. (DynamoDB is covered across two
 * processes in test/serverless/responses-across-instances.test.ts.)
 */
import * as common from "oci-common";
import { MemoryStateStore } from "../../shared/state/memory-state-store";
import { createObjectStorageClient, ObjectStorageStateStore } from "../../shared/state/object-storage-state-store";
import { ResponseStore } from "../../shared/state/response-store";
import type { StateStore } from "../../shared/state/state-store";
import { startObjectStorageServer, type ObjectStorageServer } from "../object-storage-server";
import { generateTestAccount } from "../simulator";

const DAY = 86_400_000;
const stored = (text: string) => ({ response: { id: "resp_1", output: [{ type: "message", content: [{ type: "output_text", text }] }] }, input: [{ role: "user", content: text }] });

const owner = generateTestAccount();
let server: ObjectStorageServer;
let objectStore: ObjectStorageStateStore;
let close: () => void;

beforeAll(async () => {
  jest.spyOn(console, "warn").mockImplementation(() => {});
  server = await startObjectStorageServer({ accounts: [owner.account] });
  const { tenancy, user, fingerprint } = owner.account;
  const client = createObjectStorageClient({
    authProvider: new common.SimpleAuthenticationDetailsProvider(tenancy, user, fingerprint, owner.privateKeyPem, null),
    endpoint: server.url,
  });
  close = () => client.close();
  objectStore = new ObjectStorageStateStore({ client, namespace: server.namespace, bucket: "state", prefix: "test/" });
});
afterAll(async () => {
  close();
  await server.close();
  jest.restoreAllMocks();
});

describe.each<[string, () => StateStore]>([
  ["memory", () => new MemoryStateStore()],
  ["object storage", () => objectStore],
])("on %s", (_name, backend) => {
  test("keeps a response until its TTL, then it is gone", async () => {
    let now = 1_000_000;
    const store = new ResponseStore(backend(), 30 * DAY, () => now);
    await store.save("resp_ttl", stored("hello"));
    expect(await store.get("resp_ttl")).toEqual(stored("hello"));
    now += 30 * DAY - 1;
    expect(await store.get("resp_ttl")).toBeDefined();
    now += 1;
    expect(await store.get("resp_ttl")).toBeUndefined();
    expect(await store.delete("resp_ttl")).toBe(false);
  });

  test("a long conversation is stored compressed and read back whole", async () => {
    const state = backend();
    const store = new ResponseStore(state, DAY);
    const big = stored("a fairly repetitive line of code;\n".repeat(20_000));
    await store.save("resp_big", big);
    expect(await store.get("resp_big")).toEqual(big);
    const raw = (await state.getMany<{ gzip?: string }>(["response#resp_big"])).get("response#resp_big")!.value;
    expect(raw.gzip!.length).toBeLessThan(JSON.stringify(big).length / 10);
  });

  test("delete removes it; responses_ttl = 0 stores nothing", async () => {
    const store = new ResponseStore(backend(), DAY);
    await store.save("resp_del", stored("x"));
    expect(await store.delete("resp_del")).toBe(true);
    expect(await store.get("resp_del")).toBeUndefined();
    const off = new ResponseStore(backend(), 0);
    await off.save("resp_off", stored("x"));
    expect(off.enabled).toBe(false);
    expect(await off.get("resp_off")).toBeUndefined();
  });
});

test("the CLI's memory store drops the oldest responses beyond its byte budget", async () => {
  const store = new ResponseStore(new MemoryStateStore({ maxBytes: 50_000 }), DAY);
  for (let i = 0; i < 10; i++) await store.save(`resp_${i}`, stored(`${i}`.repeat(10_000)));
  expect(await store.get("resp_0")).toBeUndefined();
  expect(await store.get("resp_9")).toEqual(stored("9".repeat(10_000)));
});
