import type { Usage } from "../../openai/chat-types";

/**
 * OCI `usage` (camelCase) → OpenAI `usage`. Missing counts are derived rather than
 * reported as 0 where possible: Gemini omits `completionTokens` when the whole budget
 * went to reasoning, yet total − prompt still tells how many tokens were generated.
 * Returns undefined when the value carries no counts at all.
 *
 * @example
 *   mapOciUsage({ promptTokens: 7, completionTokens: 2, totalTokens: 9 });
 *   // { prompt_tokens: 7, completion_tokens: 2, total_tokens: 9 }
 */
export function mapOciUsage(usage: unknown): Usage | undefined {
  if (usage === null || typeof usage !== "object") return undefined;
  const u = usage as Record<string, unknown>;
  const prompt = count(u.promptTokens);
  const completion = count(u.completionTokens);
  const total = count(u.totalTokens);
  if (prompt === undefined && completion === undefined && total === undefined) return undefined;

  const promptTokens = prompt ?? 0;
  const completionTokens = completion ?? (total !== undefined ? Math.max(0, total - promptTokens) : 0);
  const out: Usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: total ?? promptTokens + completionTokens,
  };
  const cached = detail(u.promptTokensDetails, "cachedTokens");
  if (cached !== undefined) out.prompt_tokens_details = { cached_tokens: cached };
  const reasoning = detail(u.completionTokensDetails, "reasoningTokens");
  if (reasoning !== undefined) out.completion_tokens_details = { reasoning_tokens: reasoning };
  return out;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function detail(details: unknown, key: string): number | undefined {
  return details !== null && typeof details === "object" ? count((details as Record<string, unknown>)[key]) : undefined;
}
