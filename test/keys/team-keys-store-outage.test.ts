/**
 * When the state store fails: a warm instance keeps serving from its view, a cold one refuses
 * team keys as `unavailable`, and usage that could not be written is written later, once.
 */
import { KeyRefusedError } from "../../shared/keys/key-refusal";
import { ADMIN_KEY, startAdminServer } from "./admin-server";
import { TeamKeys } from "../../shared/keys/team-keys";
import { usageRecord } from "../../shared/keys/usage-ledger";
import { toOpenAIKeyError } from "../../shared/keys/key-refusal-to-openai";
import type { LogFields, Logger } from "../../shared/log/logger";
import { ManualClock } from "../../shared/pool/clock";
import { MemoryStateStore } from "../../shared/state/memory-state-store";
import type { StateStore } from "../../shared/state/state-store";

/** A real memory store that can be switched off: every call then fails like a network error. */
function switchableStore() {
  const inner = new MemoryStateStore();
  const state = { down: false };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => (state.down ? Promise.reject(new Error("connect ECONNREFUSED")) : value.apply(target, args));
    },
  }) as StateStore;
  return { store, inner, state };
}

function recordingLogger() {
  const lines: { level: string; msg: string; fields?: LogFields }[] = [];
  const logger: Logger = {
    info: (msg, fields) => lines.push({ level: "info", msg, fields }),
    warn: (msg, fields) => lines.push({ level: "warn", msg, fields }),
    error: (msg, fields) => lines.push({ level: "error", msg, fields }),
  };
  return { logger, lines };
}

const settings = { name: "x", models: null, rpm: 100, tpm: null, dailyTokens: null, expiresAt: null };

test("a warm instance serves from its view while the store is down, logging it once, and writes the usage when it is back", async () => {
  const { store, inner, state } = switchableStore();
  const clock = new ManualClock();
  const { logger, lines } = recordingLogger();
  const keys = new TeamKeys(store, { clock, cacheMs: 1_000, flushMs: 0, logger });
  const { key, report } = await keys.create(settings);
  const teamKey = await keys.authenticate(key);
  (await keys.admit(teamKey, "grok-4")).finish({ promptTokens: 5, completionTokens: 1 });
  await keys.flush();

  state.down = true;
  for (let i = 0; i < 5; i++) {
    clock.advance(2_000); // stale every time
    const again = await keys.authenticate(key);
    (await keys.admit(again, "grok-4")).finish({ promptTokens: 5, completionTokens: 1 });
    await keys.flush(); // fails: kept for later
  }
  const warnings = lines.filter((l) => l.level === "warn");
  expect(warnings.filter((l) => /reading team keys failed/.test(l.msg))).toHaveLength(1);
  expect(warnings.some((l) => /writing key usage failed/.test(l.msg) && l.fields?.key_id === report.key.id)).toBe(true);
  expect(JSON.stringify(lines)).not.toContain(key);

  state.down = false;
  clock.advance(2_000);
  await keys.authenticate(key);
  await keys.flush();
  const stored = (await inner.getMany<{ total: { requests: number; promptTokens: number } }>([usageRecord(report.key.id)])).get(usageRecord(report.key.id))!;
  // Six requests, each counted exactly once although five flushes failed.
  expect(stored.value.total).toMatchObject({ requests: 6, promptTokens: 30 });
});

test("a cold instance whose store is down refuses team keys as unavailable (503 with Retry-After in OpenAI's shape)", async () => {
  const { store, state, inner } = switchableStore();
  state.down = true;
  const clock = new ManualClock();
  const keys = new TeamKeys(store, { cacheMs: 1_000, clock });
  const err = await keys.authenticate("sk-oci-" + "a".repeat(43)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(KeyRefusedError);
  const refused = err as KeyRefusedError;
  expect(refused.refusal).toEqual({ kind: "unavailable", retryAfterMs: 1_000 });
  const http = toOpenAIKeyError(refused.refusal, refused.message);
  expect(http.status).toBe(503);
  expect(http.headers["retry-after"]).toBe("1");
  // Within the cache period the store is not asked again: refused at once, no store call.
  const reads = jest.spyOn(inner, "getMany");
  await expect(keys.authenticate("sk-oci-" + "a".repeat(43))).rejects.toMatchObject({ refusal: { kind: "unavailable" } });
  expect(reads).not.toHaveBeenCalled();
  state.down = false;
  clock.advance(1_000);
  await expect(keys.authenticate("sk-oci-" + "a".repeat(43))).rejects.toMatchObject({ refusal: { kind: "invalid_key" } });
  expect(reads).toHaveBeenCalledTimes(1);
});

test("recorded usage is written by itself within flushMs, without a flush() call", async () => {
  const { store, inner } = switchableStore();
  const keys = new TeamKeys(store, { cacheMs: 100 }); // flushMs defaults to 50
  const { key, report } = await keys.create({ ...settings, rpm: null });
  (await keys.admit(await keys.authenticate(key), "grok-4")).finish({ promptTokens: 7, completionTokens: 3 });
  const record = usageRecord(report.key.id);
  for (let waited = 0; waited < 2_000 && (await inner.getMany([record])).size === 0; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect((await inner.getMany<{ total: object }>([record])).get(record)?.value.total).toEqual({ requests: 1, promptTokens: 7, completionTokens: 3 });
});

test("each refusal maps to OpenAI's status, type and code", () => {
  const cases = [
    [{ kind: "invalid_key", why: "revoked" }, 401, "authentication_error", "invalid_api_key", undefined],
    [{ kind: "model_not_allowed", keyId: "k", model: "m", allowed: ["n"] }, 403, "permission_error", "model_not_allowed", undefined],
    [{ kind: "rate_limited", keyId: "k", limit: "rpm", max: 5, retryAfterMs: 12_300 }, 429, "rate_limit_error", "rate_limit_exceeded", "13"],
    [{ kind: "quota_exhausted", keyId: "k", limit: "daily_tokens", max: 5, retryAfterMs: 3_600_000 }, 429, "rate_limit_error", "insufficient_quota", "3600"],
  ] as const;
  for (const [refusal, status, type, code, retryAfter] of cases) {
    const message = new KeyRefusedError(refusal).message;
    const error = toOpenAIKeyError(refusal, message);
    expect({ status: error.status, type: error.type, code: error.code, retryAfter: error.headers["retry-after"] }).toEqual({ status, type, code, retryAfter });
    expect(error.toJSON().error.message).toBe(message);
  }
});

test("admin reads while the store is down answer 503 key_store_unavailable, not stale figures", async () => {
  const { store, state } = switchableStore();
  const server = await startAdminServer(store);
  try {
    const get = (path: string) => fetch(server.url + path, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect((await get("/admin/keys")).status).toBe(200);
    state.down = true;
    for (const path of ["/admin/keys", "/admin/keys/key_0000000000000000", "/stats/keys"]) {
      const res = await get(path);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("1");
      expect((await res.json()).error).toMatchObject({ type: "server_error", code: "key_store_unavailable" });
    }
    state.down = false;
    expect((await get("/stats/keys")).status).toBe(200);
  } finally {
    state.down = false;
    await server.close();
  }
});
