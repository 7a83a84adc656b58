import { spawn } from "node:child_process";
import { join } from "node:path";
import { BatchGetItemCommand, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDbStateStore } from "../../shared/state/dynamodb-state-store";
import { updateRecord } from "../../shared/state/state-store";
import { createStateTable, DYNALITE_CREDENTIALS, DYNALITE_REGION, dynaliteClient, startDynalite } from "../helpers/dynalite";
import { describeStateStoreContract } from "./state-store-contract";

const repoRoot = join(__dirname, "..", "..");

let dynalite: { endpoint: string; close(): Promise<void> };
let client: DynamoDBClient;
let tables = 0;

/** A fresh table with the deployment schema, and a store on it. */
async function freshStore(): Promise<{ store: DynamoDbStateStore; tableName: string }> {
  const tableName = `state-${process.pid}-${tables++}`;
  await createStateTable(client, tableName);
  return { store: new DynamoDbStateStore({ tableName, client }), tableName };
}

beforeAll(async () => {
  dynalite = await startDynalite();
  client = dynaliteClient(dynalite.endpoint);
});

afterAll(async () => {
  client?.destroy();
  await dynalite?.close();
});

describeStateStoreContract("dynamodb (dynalite)", async () => ({ store: (await freshStore()).store }));

describe("DynamoDbStateStore on dynalite", () => {
  let store: DynamoDbStateStore;
  let tableName: string;

  beforeAll(async () => {
    ({ store, tableName } = await freshStore());
  });

  const rawItem = async (key: string) =>
    (await client.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: key } }, ConsistentRead: true }))).Item;

  test("a value record is stored as { pk, v: JSON, ver }", async () => {
    const version = await store.compareAndSet("shape#value", { open: true, failures: 3 }, undefined);
    expect(await rawItem("shape#value")).toEqual({
      pk: { S: "shape#value" },
      v: { S: JSON.stringify({ open: true, failures: 3 }) },
      ver: { N: version },
    });
  });

  test("a lease record also carries expiresAt in epoch seconds (TTL) and expiresAtMs (the condition)", async () => {
    const expiresAt = 1_700_000_000_123;
    expect(await store.putIfAbsentOrExpired("shape#lease", { owner: "a", expiresAt }, expiresAt - 1_000)).toBe(true);
    const item = await rawItem("shape#lease");
    expect(Object.keys(item!).sort()).toEqual(["expiresAt", "expiresAtMs", "pk", "v", "ver"]);
    expect(item!.expiresAt).toEqual({ N: "1700000001" }); // rounded up: TTL never ends a live lease
    expect(item!.expiresAtMs).toEqual({ N: String(expiresAt) });
    expect(JSON.parse(item!.v.S!)).toEqual({ owner: "a", expiresAt });
    // A lease renewed through compareAndSet keeps both attributes in step with its value.
    const [version] = [...(await store.getMany<{ owner: string; expiresAt: number }>(["shape#lease"])).values()].map((r) => r.version);
    await store.compareAndSet("shape#lease", { owner: "a", expiresAt: expiresAt + 60_000 }, version);
    expect((await rawItem("shape#lease"))!.expiresAt).toEqual({ N: "1700000061" });
    expect(await store.putIfAbsentOrExpired("shape#lease", { owner: "b", expiresAt: 0 }, expiresAt + 30_000)).toBe(false);
  });

  test("a counter record keeps native numbers c_<field>, read back as a plain value", async () => {
    await store.increment("shape#counter", { requests: 2, "weird field.name": 1 });
    await store.increment("shape#counter", { requests: 3 });
    const item = await rawItem("shape#counter");
    expect(item).toMatchObject({ pk: { S: "shape#counter" }, c_requests: { N: "5" }, "c_weird field.name": { N: "1" } });
    expect(item!.v).toBeUndefined();
    const record = (await store.getMany<Record<string, number>>(["shape#counter"])).get("shape#counter")!;
    expect(record.value).toEqual({ requests: 5, "weird field.name": 1 });
    // A read-modify-write folds the counters back into one JSON value.
    await updateRecord<Record<string, number>>(store, "shape#counter", (cur) => ({ ...cur!, requests: cur!.requests + 1 }));
    expect(await rawItem("shape#counter")).toEqual({
      pk: { S: "shape#counter" },
      v: { S: JSON.stringify({ requests: 6, "weird field.name": 1 }) },
      ver: expect.objectContaining({ N: expect.any(String) }),
    });
  });

  test("increment adds onto the fields of a JSON value record and bumps its version", async () => {
    const v1 = await store.compareAndSet("inc#json", { requests: 10, label: "x" }, undefined);
    await store.increment("inc#json", { requests: 1, failures: 2 });
    const record = (await store.getMany<Record<string, unknown>>(["inc#json"])).get("inc#json")!;
    expect(record.value).toEqual({ requests: 11, label: "x", failures: 2 });
    expect(record.version).not.toBe(v1);
    expect(await store.compareAndSet("inc#json", {}, v1)).toBeUndefined();
  });

  test("a version never comes back after delete-and-recreate or a retaken lease (no ABA)", async () => {
    const v1 = await store.compareAndSet("aba#cas", { n: 1 }, undefined);
    await store.delete("aba#cas");
    const v2 = await store.compareAndSet("aba#cas", { n: 2 }, undefined);
    expect(v2).not.toBe(v1);
    expect(await store.compareAndSet("aba#cas", { n: 3 }, v1)).toBeUndefined();

    await store.putIfAbsentOrExpired("aba#lease", { owner: "a", expiresAt: 2_000 }, 1_000);
    const stale = (await store.getMany(["aba#lease"])).get("aba#lease")!.version;
    await store.putIfAbsentOrExpired("aba#lease", { owner: "b", expiresAt: 5_000 }, 3_000);
    // a's late renewal must not overwrite b's lease
    expect(await store.compareAndSet("aba#lease", { owner: "a", expiresAt: 9_000 }, stale)).toBeUndefined();
    expect((await store.getMany<{ owner: string }>(["aba#lease"])).get("aba#lease")!.value.owner).toBe("b");
  });

  test("compareAndSet with a version this store never issued fails instead of throwing", async () => {
    await store.compareAndSet("foreign#version", { n: 1 }, undefined);
    expect(await store.compareAndSet("foreign#version", { n: 2 }, '"etag-from-elsewhere"')).toBeUndefined();
  });

  test("getMany reads more than one BatchGetItem's worth of keys, duplicates included", async () => {
    const keys = Array.from({ length: 230 }, (_, i) => `many#${i}`);
    await Promise.all(keys.filter((_, i) => i % 3 === 0).map((k) => store.compareAndSet(k, { k }, undefined)));
    const found = await store.getMany<{ k: string }>([...keys, "many#0", "many#3"]);
    expect(found.size).toBe(77);
    expect(found.get("many#228")!.value).toEqual({ k: "many#228" });
    expect(await store.getMany([])).toEqual(new Map());
  });

  test("getMany asks for consistent reads in chunks of at most 100 and retries UnprocessedKeys", async () => {
    // dynalite never leaves keys unprocessed, so a stub client plays DynamoDB under pressure:
    // it leaves the last key of every multi-key request for a retry (or every key, when stingy).
    let stingy = false;
    const requests: { keys: string[]; consistent?: boolean }[] = [];
    const stub = {
      send: async (command: BatchGetItemCommand) => {
        const asked = command.input.RequestItems!.t;
        const keys = asked.Keys!.map((k) => k.pk.S!);
        requests.push({ keys, consistent: asked.ConsistentRead });
        const left = stingy ? keys : keys.length > 1 ? keys.slice(-1) : [];
        const served = keys.filter((k) => !left.includes(k));
        return {
          Responses: { t: served.map((k) => ({ pk: { S: k }, v: { S: JSON.stringify({ k }) }, ver: { N: "1" } })) },
          UnprocessedKeys: left.length ? { t: { ...asked, Keys: left.map((k) => ({ pk: { S: k } })) } } : {},
        };
      },
    } as unknown as DynamoDBClient;
    const stubStore = new DynamoDbStateStore({ tableName: "t", client: stub });
    const keys = Array.from({ length: 230 }, (_, i) => `k${i}`);
    const found = await stubStore.getMany<{ k: string }>(keys);
    expect(found.size).toBe(230);
    expect(found.get("k229")!.value).toEqual({ k: "k229" });
    expect(requests.map((r) => r.keys.length)).toEqual([100, 100, 30, 1, 1, 1]);
    expect(requests.every((r) => r.consistent === true)).toBe(true);

    stingy = true;
    requests.length = 0;
    await expect(stubStore.getMany(["a", "b"])).rejects.toThrow(/unprocessed/);
    expect(requests).toHaveLength(8);
  });

  test("errors other than a failed condition propagate", async () => {
    const missing = new DynamoDbStateStore({ tableName: "no-such-table", client });
    await expect(missing.getMany(["x"])).rejects.toThrow();
    await expect(missing.compareAndSet("x", {}, undefined)).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(missing.putIfAbsentOrExpired("x", { expiresAt: 1 }, 0)).rejects.toMatchObject({ name: "ResourceNotFoundException" });
    await expect(missing.increment("x", { n: 1 })).rejects.toMatchObject({ name: "ResourceNotFoundException" });
  });

  test("two separate processes share state: 2 × 50 read-modify-write increments, none lost", async () => {
    const key = "processes#counter";
    // Plain JS run by `node --import tsx`, which compiles the TypeScript it requires. The default
    // client is used, so this also checks it honours AWS_ENDPOINT_URL_DYNAMODB and the region env.
    const worker = `
      const { DynamoDbStateStore } = require(${JSON.stringify(join(repoRoot, "shared/state/dynamodb-state-store.ts"))});
      const { updateRecord } = require(${JSON.stringify(join(repoRoot, "shared/state/state-store.ts"))});
      const store = new DynamoDbStateStore({ tableName: process.env.STATE_TABLE });
      let attempts = 0;
      process.stdout.write("ready\\n");
      process.stdin.once("data", async () => {
        try {
          for (let i = 0; i < 50; i++) await updateRecord(store, ${JSON.stringify(key)}, (cur) => (attempts++, { n: (cur?.n ?? 0) + 1 }), 1000);
          process.stdout.write("attempts " + attempts + "\\n");
          process.exit(0);
        } catch (error) {
          console.error(error);
          process.exit(1);
        }
      });`;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
      AWS_REGION: DYNALITE_REGION,
      AWS_ACCESS_KEY_ID: DYNALITE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: DYNALITE_CREDENTIALS.secretAccessKey,
      STATE_TABLE: tableName,
    };
    const children = [0, 1].map(() => {
      const child = spawn(process.execPath, ["--import", "tsx", "-e", worker], { cwd: repoRoot, env, stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const ready = new Promise<void>((resolve) => child.stdout.on("data", () => stdout.includes("ready\n") && resolve()));
      const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
        child.on("close", (code) => resolve({ code, stdout, stderr })),
      );
      return { child, ready, exited };
    });
    try {
      // Start both loops together, so the two processes really contend for the record.
      await Promise.race([Promise.all(children.map((c) => c.ready)), Promise.all(children.map((c) => c.exited))]);
      for (const { child } of children) child.stdin.write("go\n");
      const results = await Promise.all(children.map((c) => c.exited));
      for (const { code, stderr } of results) expect({ code, stderr }).toMatchObject({ code: 0 });
      expect((await store.getMany<{ n: number }>([key])).get(key)!.value.n).toBe(100);
      // Each worker's update function ran once per attempt: beyond 50 means it lost races and retried.
      const attempts = results.map((r) => Number(/attempts (\d+)/.exec(r.stdout)?.[1]));
      for (const n of attempts) expect(n).toBeGreaterThanOrEqual(50);
    } finally {
      for (const { child } of children) if (child.exitCode === null) child.kill();
    }
  });
});
