/**
 * Two instances (each its own TeamKeys and DynamoDB client, as two Lambda instances would
 * have) sharing one table on dynalite: keys created or revoked on one take effect on the
 * other within the cache period, and a key's rpm holds across both.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KeyRefusedError } from "../../shared/keys/key-refusal";
import type { TeamKey } from "../../shared/keys/key-registry";
import { TeamKeys } from "../../shared/keys/team-keys";
import type { KeySettings } from "../../shared/keys/team-key";
import { DynamoDbStateStore } from "../../shared/state/dynamodb-state-store";
import { createStateTable, dynaliteClient, startDynalite } from "../helpers/dynalite";
import { countingStore } from "./counting-store";

const CACHE_MS = 300;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dynalite: Awaited<ReturnType<typeof startDynalite>>;
const clients: DynamoDBClient[] = [];
let tables = 0;

beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await dynalite.close();
});

/** Two instances on a fresh table; `counted` wraps instance B's store to count round trips. */
async function twoInstances() {
  const tableName = `keys-${tables++}`;
  const admin = dynaliteClient(dynalite.endpoint);
  clients.push(admin);
  await createStateTable(admin, tableName);
  const storeFor = () => {
    const client = dynaliteClient(dynalite.endpoint);
    clients.push(client);
    return new DynamoDbStateStore({ tableName, client });
  };
  const counted = countingStore(storeFor());
  const a = new TeamKeys(storeFor(), { cacheMs: CACHE_MS });
  const b = new TeamKeys(counted.store, { cacheMs: CACHE_MS });
  return { a, b, counted };
}

const settings = (extra: Partial<KeySettings> = {}): KeySettings => ({ name: "shared", models: null, rpm: null, tpm: null, dailyTokens: null, expiresAt: null, ...extra });

async function tryUse(keys: TeamKeys, secret: string): Promise<"ok" | string> {
  try {
    const key: TeamKey = await keys.authenticate(secret);
    (await keys.admit(key, "grok-4")).finish({ promptTokens: 10, completionTokens: 1 });
    return "ok";
  } catch (err) {
    if (err instanceof KeyRefusedError) return err.refusal.kind === "invalid_key" ? `invalid_key:${err.refusal.why}` : err.refusal.kind;
    throw err;
  }
}

test("a key created through one instance works on the other: at once on a cold one, within the cache period on a warm one", async () => {
  const { a, b } = await twoInstances();
  const first = await a.create(settings());
  expect(await tryUse(b, first.key)).toBe("ok"); // B was cold: it read the table

  const second = await a.create(settings({ name: "second" }));
  // B's view is fresh and predates the key: it may refuse for now, but not after one cache period.
  await sleep(CACHE_MS);
  expect(await tryUse(b, second.key)).toBe("ok");
  expect((await b.get(second.report.key.id)).key.name).toBe("second");
});

test("a key revoked on one instance is refused by the other within the cache period", async () => {
  const { a, b } = await twoInstances();
  const { key, report } = await a.create(settings());
  expect(await tryUse(b, key)).toBe("ok");
  const revokedAt = Date.now();
  await a.revoke(report.key.id);
  expect(await tryUse(a, key)).toBe("invalid_key:revoked");
  // Poll B: it must refuse no later than one cache period after the revocation was written.
  let refusedAfter = -1;
  while (Date.now() - revokedAt < CACHE_MS * 3) {
    if ((await tryUse(b, key)) === "invalid_key:revoked") {
      refusedAfter = Date.now() - revokedAt;
      break;
    }
    await sleep(20);
  }
  expect(refusedAfter).toBeGreaterThanOrEqual(0);
  expect(refusedAfter).toBeLessThanOrEqual(CACHE_MS + 100); // + one read round trip on a shared 2-core box
});

test("rpm holds across both instances: requests a cache period apart are counted exactly", async () => {
  const { a, b } = await twoInstances();
  const { key } = await a.create(settings({ rpm: 6 }));
  const outcomes: string[] = [];
  for (let i = 0; i < 10; i++) {
    outcomes.push(await tryUse(i % 2 === 0 ? a : b, key));
    await sleep(CACHE_MS);
  }
  expect(outcomes.slice(0, 6)).toEqual(Array(6).fill("ok"));
  expect(outcomes.slice(6)).toEqual(Array(4).fill("rate_limited"));
  // Both instances' figures add up in the shared record.
  await Promise.all([a.flush(), b.flush()]);
  const usage = (await b.list())[0].usage;
  expect(usage.total).toEqual({ requests: 6, promptTokens: 60, completionTokens: 6 });
});

test("a burst on both at once: each instance holds the limit against what it knows, then both refuse", async () => {
  const { a, b } = await twoInstances();
  const { key } = await a.create(settings({ rpm: 5 }));
  // Warm both views first, so the burst starts from cached state on each.
  expect(await tryUse(a, key)).toBe("ok");
  expect(await tryUse(b, key)).toBe("ok");
  const burst = await Promise.all(Array.from({ length: 16 }, (_, i) => tryUse(i % 2 === 0 ? a : b, key)));
  const admitted = burst.filter((o) => o === "ok").length;
  // 3 slots are left in the shared minute. Within one cache period neither instance has seen
  // the other's latest requests, so each admits up to rpm minus what it knows (at most 4 each).
  expect(admitted).toBeGreaterThanOrEqual(3);
  expect(admitted).toBeLessThanOrEqual(2 * 5 - 2);
  await sleep(CACHE_MS * 2);
  expect(await tryUse(a, key)).toBe("rate_limited");
  expect(await tryUse(b, key)).toBe("rate_limited");
});

test("steady state: requests on a warm instance do not touch the store; usage is written in batches", async () => {
  const { a, b, counted } = await twoInstances();
  const { key } = await a.create(settings({ rpm: 10_000, tpm: 10_000_000 }));
  expect(await tryUse(b, key)).toBe("ok"); // cold: reads
  await b.flush();
  const before = counted.total();
  for (let i = 0; i < 200; i++) expect(await tryUse(b, key)).toBe("ok");
  // 200 requests in far less than half a cache period: not one store call.
  expect(counted.total()).toBe(before);
  await b.flush();
  // One batch: a single compare-and-set for all 200 (plus a re-read if A had written first).
  expect(counted.calls.compareAndSet).toBe(2);
  expect((await a.get((await a.list())[0].key.id)).usage.total.requests).toBe(201);
});
