/** The usage record's arithmetic: what a flush writes and what limits are checked against. */
import { emptyUsage, lastMinute, mergeUsage, msUntilBelow, recordUse, toKeyUsage, utcDay, type KeyUsage } from "../../shared/keys/key-usage";
import { hashTeamKey, mintTeamKey, newKeyId, TEAM_KEY_PREFIX } from "../../shared/keys/key-material";

const NOON = Date.UTC(2025, 5, 1, 12, 0, 0);
const DAY = 86_400_000;

test("two instances' batches merged into one record add up exactly, per model and in the minute", () => {
  const shared = emptyUsage(NOON);
  const a = emptyUsage(NOON);
  const b = emptyUsage(NOON);
  recordUse(a, "grok-4", NOON, 1, 0, 0);
  recordUse(a, "grok-4", NOON + 2_000, 0, 100, 20);
  recordUse(b, "llama-4", NOON + 7_000, 1, 0, 0);
  recordUse(b, "llama-4", NOON + 8_000, 0, 50, 5);
  mergeUsage(shared, a, NOON + 9_000);
  mergeUsage(shared, JSON.parse(JSON.stringify(b)) as KeyUsage, NOON + 9_000); // as read back from a store
  expect(shared.total).toEqual({ requests: 2, promptTokens: 150, completionTokens: 25 });
  expect(shared.today).toEqual(shared.total);
  expect(shared.models["grok-4"].total).toEqual({ requests: 1, promptTokens: 100, completionTokens: 20 });
  expect(shared.models["llama-4"].today).toEqual({ requests: 1, promptTokens: 50, completionTokens: 5 });
  expect(shared.lastUsedAt).toBe(NOON + 8_000);
  expect(lastMinute(shared, NOON + 9_000)).toEqual({ requests: 2, tokens: 175 });
  // Buckets stay in time order whatever order batches arrive in.
  expect(shared.window.map(([stamp]) => stamp)).toEqual([...shared.window.map(([stamp]) => stamp)].sort((x, y) => x - y));
});

test("the minute slides in 5 s steps; msUntilBelow is when enough old buckets leave it", () => {
  const usage = emptyUsage(NOON);
  recordUse(usage, "m", NOON, 2, 0, 0);
  recordUse(usage, "m", NOON + 30_000, 1, 0, 0);
  expect(lastMinute(usage, NOON + 59_999).requests).toBe(3);
  expect(msUntilBelow(usage, NOON + 40_000, 1, 3)).toBe(20_000); // the two at NOON leave at NOON + 60 s
  expect(msUntilBelow(usage, NOON + 40_000, 1, 1)).toBe(50_000); // below 1 needs the later one gone too
  expect(lastMinute(usage, NOON + 60_000).requests).toBe(1);
  recordUse(usage, "m", NOON + 200_000, 1, 0, 0);
  expect(usage.window).toHaveLength(1); // old buckets are dropped, the record stays small
});

test("today rolls over at 00:00 UTC; a late batch from yesterday adds to the totals only", () => {
  const shared = emptyUsage(NOON);
  recordUse(shared, "m", NOON, 1, 10, 1);
  const yesterdayBatch = emptyUsage(NOON);
  recordUse(yesterdayBatch, "m", NOON + 1_000, 1, 5, 0);
  const tomorrowBatch = emptyUsage(NOON + DAY);
  recordUse(tomorrowBatch, "m", NOON + DAY, 1, 7, 0);
  mergeUsage(shared, tomorrowBatch, NOON + DAY);
  expect(shared.day).toBe(utcDay(NOON + DAY));
  expect(shared.today).toEqual({ requests: 1, promptTokens: 7, completionTokens: 0 });
  expect(shared.models.m.today).toEqual({ requests: 1, promptTokens: 7, completionTokens: 0 });
  mergeUsage(shared, yesterdayBatch, NOON + DAY);
  expect(shared.today.requests).toBe(1);
  expect(shared.total).toEqual({ requests: 3, promptTokens: 22, completionTokens: 1 });
});

test("a model called __proto__ is a field like any other; a damaged record reads as empty usage", () => {
  const usage = emptyUsage(NOON);
  recordUse(usage, "__proto__", NOON, 1, 0, 0);
  expect(Object.getPrototypeOf(usage.models)).toBe(Object.prototype);
  expect(Object.keys(usage.models)).toEqual(["__proto__"]);
  expect(toKeyUsage({ garbage: true }, NOON)).toEqual(emptyUsage(NOON));
  expect(toKeyUsage(undefined, NOON)).toEqual(emptyUsage(NOON));
});

test("key material: sk-oci- plus 256 random bits, stored as SHA-256; ids say nothing about the key", () => {
  const minted = Array.from({ length: 50 }, () => mintTeamKey());
  for (const { key, hash, hint } of minted) {
    expect(key).toMatch(/^sk-oci-[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(TEAM_KEY_PREFIX.length), "base64url")).toHaveLength(32);
    expect(hash).toBe(hashTeamKey(key));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hint).toBe(`sk-oci-…${key.slice(-4)}`);
  }
  expect(new Set(minted.map((m) => m.key)).size).toBe(50);
  const id = newKeyId();
  expect(id).toMatch(/^key_[0-9a-f]{16}$/);
});
