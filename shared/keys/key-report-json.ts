import { lastMinute, utcDate, utcDay, type UsageFigures } from "./key-usage";
import type { KeyReport } from "./team-keys";

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function figures(f: UsageFigures) {
  return { requests: f.requests, prompt_tokens: f.promptTokens, completion_tokens: f.completionTokens, total_tokens: f.promptTokens + f.completionTokens };
}

const NONE: UsageFigures = { requests: 0, promptTokens: 0, completionTokens: 0 };

/**
 * A key's settings and usage as the admin API and /stats/keys show them (snake_case, ISO
 * times, no secret: only the hint of the key's last 4 characters).
 *
 * @example
 *   c.json({ object: "list", data: (await keys.list()).map((r) => keyReportJson(r, Date.now())) })
 */
export function keyReportJson({ key, status, usage }: KeyReport, now: number) {
  const current = usage.day === utcDay(now);
  const today = (f: UsageFigures) => ({ date: utcDate(utcDay(now)), ...figures(current ? f : NONE) });
  return {
    id: key.id,
    object: "api_key",
    name: key.name,
    key_hint: key.hint,
    status,
    models: key.models,
    rpm: key.rpm,
    tpm: key.tpm,
    daily_tokens: key.dailyTokens,
    expires_at: iso(key.expiresAt),
    created_at: iso(key.createdAt),
    updated_at: iso(key.updatedAt),
    revoked_at: iso(key.revokedAt),
    usage: {
      ...figures(usage.total),
      today: today(usage.today),
      last_minute: lastMinute(usage, now),
      models: Object.fromEntries(Object.entries(usage.models).map(([name, m]) => [name, { ...figures(m.total), today: today(m.today) }])),
      last_used_at: iso(usage.lastUsedAt),
    },
  };
}

export type KeyReportJson = ReturnType<typeof keyReportJson>;
