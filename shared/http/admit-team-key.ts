import type { Context } from "hono";
import { estimatePromptTokens } from "../chat/estimate-prompt-tokens";
import { configuredName } from "../chat/resolve-model";
import { mayUseModel, modelNotAllowed } from "../keys/check-admission";
import { KeyRefusedError } from "../keys/key-refusal";
import { toOpenAIKeyError } from "../keys/key-refusal-to-openai";
import type { Admission, TeamKeys } from "../keys/team-keys";
import type { ChatCompletionRequest, Usage } from "../openai/chat-types";
import { teamKeyOf } from "./caller-auth";

/** What the model endpoints hold team keys to their limits with (no keys: admin-only, as in tests). */
export interface KeyGate {
  config: { models: ReadonlyMap<string, string> };
  keys?: TeamKeys;
}

/**
 * Admits the request of a team key for a model, counting it against the key's limits as
 * they are known now; undefined for the admin key (nothing to wait for). The model is the
 * client's (already resolved to `ociModelId`): a client may send an OCI model id, which
 * counts as the configured name that maps to it.
 *
 * @throws OpenAIError 403 model_not_allowed, 429 rate_limit_exceeded / insufficient_quota,
 *   401 if the key died since it was authenticated.
 * @example
 *   const admitting = admitTeamKey(c, { config, keys }, request.model, ociModelId);
 *   const admission = admitting && (await admitting);
 *   // ... answer ...
 *   finishAdmission(admission, completion.usage, request);
 */
export function admitTeamKey(c: Context, gate: KeyGate, model: string, ociModelId: string): Promise<Admission> | undefined {
  const key = teamKeyOf(c);
  if (key === undefined || gate.keys === undefined) return undefined;
  return gate.keys.admit(key, configuredName(gate.config.models, model, ociModelId)).catch(asClientError);
}

/**
 * The allow-list alone, for calls that cost OCI nothing and so count against no limit
 * (count_tokens).
 *
 * @throws OpenAIError 403 model_not_allowed
 */
export function checkTeamKeyModel(c: Context, gate: KeyGate, model: string, ociModelId: string): void {
  const key = teamKeyOf(c);
  if (key === undefined) return;
  const name = configuredName(gate.config.models, model, ociModelId);
  if (mayUseModel(key, name)) return;
  throw toOpenAIKeyError(modelNotAllowed(key, name));
}

/**
 * Counts an answer's tokens from OCI's usage. A stream cut before OCI sent its usage (the
 * client left, the upstream broke) still had its prompt read: it counts an estimate of
 * that, so cutting streams short is no way around a token limit.
 */
export function finishAdmission(admission: Admission | undefined, usage: Usage | undefined, request: ChatCompletionRequest): void {
  if (admission === undefined) return;
  admission.finish(
    usage ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } : { promptTokens: estimatePromptTokens(request), completionTokens: 0 },
  );
}

function asClientError(err: unknown): never {
  throw err instanceof KeyRefusedError ? toOpenAIKeyError(err.refusal, err.message) : err;
}
