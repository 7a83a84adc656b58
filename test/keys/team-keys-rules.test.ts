/**
 * Each team-key rule, on a real MemoryStateStore with a clock the test moves: allow-list,
 * rpm and tpm over a sliding minute, daily tokens per UTC day, expiry, revocation.
 */
import { KeyRefusedError, type KeyRefusal } from "../../shared/keys/key-refusal";
import type { TeamKey } from "../../shared/keys/key-registry";
import { TeamKeys } from "../../shared/keys/team-keys";
import type { KeySettings } from "../../shared/keys/team-key";
import { ManualClock } from "../../shared/pool/clock";
import { MemoryStateStore } from "../../shared/state/memory-state-store";
import { countingStore } from "./counting-store";

// 2025-03-10T23:58:00Z: two minutes before a UTC midnight.
const START = Date.UTC(2025, 2, 10, 23, 58, 0);

function setup() {
  const clock = new ManualClock(START);
  const keys = new TeamKeys(new MemoryStateStore(), { clock, cacheMs: 1_000, flushMs: 0 });
  const create = async (settings: Partial<KeySettings>) => {
    const { key } = await keys.create({ name: "test", models: null, rpm: null, tpm: null, dailyTokens: null, expiresAt: null, ...settings });
    return { secret: key, key: await keys.authenticate(key) };
  };
  return { clock, keys, create };
}

/** The refusal a promise rejects with (fails the test if it resolves or throws something else). */
async function refusal(work: Promise<unknown>): Promise<KeyRefusal> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeyRefusedError);
  return (err as KeyRefusedError).refusal;
}

async function use(keys: TeamKeys, key: TeamKey, model = "grok-4", tokens?: [number, number]) {
  const admission = await keys.admit(key, model);
  admission.finish(tokens && { promptTokens: tokens[0], completionTokens: tokens[1] });
}

test("a created key authenticates; unknown keys, other prefixes and near misses do not", async () => {
  const { keys, create } = setup();
  const { secret, key } = await create({ name: "alice" });
  expect(key.name).toBe("alice");
  expect(await refusal(keys.authenticate(secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A")))).toEqual({ kind: "invalid_key", why: "unknown" });
  expect(await refusal(keys.authenticate("sk-oci-" + "x".repeat(43)))).toMatchObject({ kind: "invalid_key", why: "unknown" });
  expect(await refusal(keys.authenticate("Bearer " + secret))).toMatchObject({ kind: "invalid_key", why: "unknown" });
  expect(await refusal(keys.authenticate(""))).toMatchObject({ kind: "invalid_key", why: "unknown" });
});

test("allow-list: a model outside the key's list is refused, listed ones and unrestricted keys pass", async () => {
  const { keys, create } = setup();
  const { key } = await create({ models: ["grok-4", "llama-4"] });
  await use(keys, key, "grok-4");
  await use(keys, key, "llama-4");
  const refused = await refusal(keys.admit(key, "cohere-command"));
  expect(refused).toEqual({ kind: "model_not_allowed", keyId: key.id, model: "cohere-command", allowed: ["grok-4", "llama-4"] });
  const { key: open } = await create({ models: null });
  await use(keys, open, "cohere-command");
});

test("rpm: the limit holds over a sliding minute and Retry-After says when a slot frees", async () => {
  const { clock, keys, create } = setup();
  const { key } = await create({ rpm: 3 });
  await use(keys, key); // t = 0
  clock.advance(20_000);
  await use(keys, key); // t = 20 s
  await use(keys, key);
  const refused = await refusal(keys.admit(key, "grok-4"));
  expect(refused).toMatchObject({ kind: "rate_limited", limit: "rpm", max: 3 });
  // The first request (t = 0) leaves the minute at t = 60 s: 40 s from now.
  expect((refused as { retryAfterMs: number }).retryAfterMs).toBe(40_000);

  clock.advance(39_000); // t = 59 s: still three in the minute
  expect(await refusal(keys.admit(key, "grok-4"))).toMatchObject({ kind: "rate_limited", limit: "rpm" });
  clock.advance(1_000); // t = 60 s: the first one has aged out, one slot
  await use(keys, key);
  expect(await refusal(keys.admit(key, "grok-4"))).toMatchObject({ kind: "rate_limited", limit: "rpm" });
  // Refused requests do not count: two slots free at t = 80 s.
  clock.advance(20_000);
  await use(keys, key);
  await use(keys, key);
  expect(await refusal(keys.admit(key, "grok-4"))).toMatchObject({ kind: "rate_limited" });
});

test("tpm: tokens count when the answer ends; a request is admitted against what is known at its start", async () => {
  const { clock, keys, create } = setup();
  const { key } = await create({ tpm: 1_000 });
  // Two requests start together while the minute is empty: both are admitted...
  const first = await keys.admit(key, "grok-4");
  const second = await keys.admit(key, "grok-4");
  // ...and together they overshoot the limit when their answers end.
  first.finish({ promptTokens: 500, completionTokens: 200 });
  second.finish({ promptTokens: 400, completionTokens: 100 });
  second.finish({ promptTokens: 400, completionTokens: 100 }); // a second finish counts nothing
  const refused = await refusal(keys.admit(key, "grok-4"));
  expect(refused).toMatchObject({ kind: "rate_limited", limit: "tpm", max: 1_000, retryAfterMs: 60_000 });
  expect((await keys.get(key.id)).usage.total).toEqual({ requests: 2, promptTokens: 900, completionTokens: 300 });

  clock.advance(60_000); // the minute has slid past both
  await use(keys, key, "grok-4", [999, 0]);
  await use(keys, key, "grok-4", [0, 1]); // 999 < 1 000 at its start: admitted; now 1 000
  expect(await refusal(keys.admit(key, "grok-4"))).toMatchObject({ kind: "rate_limited", limit: "tpm" });
});

test("daily_tokens: counted per UTC day, refused until midnight UTC with Retry-After to it", async () => {
  const { clock, keys, create } = setup();
  const { key } = await create({ dailyTokens: 1_000 });
  await use(keys, key, "grok-4", [600, 100]);
  clock.advance(65_000); // past the minute: only the daily quota matters
  await use(keys, key, "grok-4", [300, 0]); // 1 000 used by 23:59:05
  const refused = await refusal(keys.admit(key, "grok-4"));
  expect(refused).toEqual({ kind: "quota_exhausted", keyId: key.id, limit: "daily_tokens", max: 1_000, retryAfterMs: 55_000 });

  clock.advance(55_000); // 00:00:00 UTC on 2025-03-11
  await use(keys, key, "grok-4", [999, 0]);
  const report = await keys.get(key.id);
  expect(report.usage.today).toEqual({ requests: 1, promptTokens: 999, completionTokens: 0 });
  expect(report.usage.total).toEqual({ requests: 3, promptTokens: 1_899, completionTokens: 100 });
  clock.advance(61_000);
  await use(keys, key, "grok-4", [0, 1]); // 999 < 1 000 at its start; 1 000 after
  expect(await refusal(keys.admit(key, "grok-4"))).toMatchObject({ kind: "quota_exhausted", retryAfterMs: 86_400_000 - 61_000 });
});

test("expiry: a key works until expires_at and is refused as expired from then on", async () => {
  const { clock, keys, create } = setup();
  const { secret, key } = await create({ expiresAt: START + 30_000 });
  clock.advance(29_999);
  await use(keys, key);
  clock.advance(1);
  expect(await refusal(keys.authenticate(secret))).toEqual({ kind: "invalid_key", why: "expired", keyId: key.id });
  // Authenticated just before it expired, admitted just after: refused too.
  expect(await refusal(keys.admit(key, "grok-4"))).toMatchObject({ kind: "invalid_key", why: "expired" });
  expect((await keys.get(key.id)).status).toBe("expired");
});

test("revocation: a revoked key is refused at once on the instance that revoked it, and stays revoked", async () => {
  const { keys, create } = setup();
  const { secret, key } = await create({});
  await use(keys, key);
  const revoked = await keys.revoke(key.id);
  expect(revoked.status).toBe("revoked");
  expect(await refusal(keys.authenticate(secret))).toEqual({ kind: "invalid_key", why: "revoked", keyId: key.id });
  expect(await refusal(keys.admit(key, "grok-4"))).toMatchObject({ kind: "invalid_key", why: "revoked" });
  await expect(keys.patch(key.id, { rpm: 5 })).rejects.toThrow(/revoked/);
  expect((await keys.revoke(key.id)).key.revokedAt).toBe(revoked.key.revokedAt);
});

test("patched limits apply to the next request", async () => {
  const { keys, create } = setup();
  const { key } = await create({ rpm: 1 });
  await use(keys, key);
  expect(await refusal(keys.admit(key, "grok-4"))).toMatchObject({ kind: "rate_limited" });
  await keys.patch(key.id, { rpm: null, models: ["grok-4"] });
  await use(keys, key); // rpm cleared, even for the key object authenticated before the change
  expect(await refusal(keys.admit(key, "llama-4"))).toMatchObject({ kind: "model_not_allowed" });
});

test("a key created on another instance works on its first request here, warm view or not; made-up keys re-read at most every 100 ms", async () => {
  const clock = new ManualClock(START);
  const shared = countingStore(new MemoryStateStore());
  const here = new TeamKeys(shared.store, { clock, cacheMs: 1_000, flushMs: 0 });
  const elsewhere = new TeamKeys(shared.store, { clock, cacheMs: 1_000, flushMs: 0 });
  const made = async () => (await elsewhere.create({ name: "x", models: null, rpm: null, tpm: null, dailyTokens: null, expiresAt: null })).key;
  // Warm: this instance has just read the registry.
  await here.authenticate(await made());
  clock.advance(10);
  const fresh = await made();
  clock.advance(10);
  expect((await here.authenticate(fresh)).revokedAt).toBeNull();

  clock.advance(100);
  const before = shared.calls.getMany ?? 0;
  for (let i = 0; i < 50; i++) {
    expect(await refusal(here.authenticate(`sk-oci-made-up-${i}`))).toMatchObject({ kind: "invalid_key", why: "unknown" });
    clock.advance(5);
  }
  // 250 ms of made-up keys: a re-read at 0, 100 and 200 ms.
  expect((shared.calls.getMany ?? 0) - before).toBe(3);
});
