import { lastMinute, msToUtcMidnight, msUntilBelow, tokensToday, type KeyUsage } from "./key-usage";
import type { KeyRefusal } from "./key-refusal";
import type { TeamKey } from "./key-registry";
import { keyStatus } from "./team-key";

/** Whether the key may use the model at all (also what /v1/models lists for it). */
export function mayUseModel(key: Pick<TeamKey, "allowedModels">, model: string): boolean {
  return key.allowedModels === null || key.allowedModels.has(model);
}

/** The refusal of a model outside the key's list (it names the models the key may use). */
export function modelNotAllowed(key: Pick<TeamKey, "id" | "models">, model: string): KeyRefusal {
  return { kind: "model_not_allowed", keyId: key.id, model, allowed: key.models ?? [] };
}

/** Whether the key has any limit that needs its usage. */
export function hasUsageLimits(key: Pick<TeamKey, "rpm" | "tpm" | "dailyTokens">): boolean {
  return key.rpm !== null || key.tpm !== null || key.dailyTokens !== null;
}

/**
 * Why `key` may not start a request for `model` now, given its usage so far; undefined when
 * it may. Pure: the caller supplies the clock reading and the usage view.
 *
 * Checked in the order a caller can act on: a dead key, a model it may not use, today's
 * quota (waiting a minute will not help), then the per-minute limits.
 *
 * @example
 *   const refusal = checkAdmission(key, "grok-4", view.usage, clock.now());
 *   if (refusal) throw new KeyRefusedError(refusal);
 */
export function checkAdmission(key: TeamKey, model: string, usage: KeyUsage, now: number): KeyRefusal | undefined {
  const status = keyStatus(key, now);
  if (status !== "active") return { kind: "invalid_key", why: status, keyId: key.id };
  if (!mayUseModel(key, model)) return modelNotAllowed(key, model);
  if (key.dailyTokens !== null && tokensToday(usage, now) >= key.dailyTokens) {
    return { kind: "quota_exhausted", keyId: key.id, limit: "daily_tokens", max: key.dailyTokens, retryAfterMs: msToUtcMidnight(now) };
  }
  if (key.rpm === null && key.tpm === null) return undefined;
  const minute = lastMinute(usage, now);
  if (key.rpm !== null && minute.requests >= key.rpm) {
    return { kind: "rate_limited", keyId: key.id, limit: "rpm", max: key.rpm, retryAfterMs: msUntilBelow(usage, now, 1, key.rpm) };
  }
  if (key.tpm !== null && minute.tokens >= key.tpm) {
    return { kind: "rate_limited", keyId: key.id, limit: "tpm", max: key.tpm, retryAfterMs: msUntilBelow(usage, now, 2, key.tpm) };
  }
  return undefined;
}
