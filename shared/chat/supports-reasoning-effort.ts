/**
 * OCI models that take `reasoningEffort`. Others (grok-4, Llama, Gemini, Cohere) answer a
 * 400 when it is set, so front doors whose clients send an effort by default (Codex's
 * `reasoning`, Claude Code's `thinking`) forward it only to these.
 *
 * @example
 *   supportsReasoningEffort("openai.gpt-oss-120b"); // true
 *   supportsReasoningEffort("xai.grok-4");          // false
 */
export function supportsReasoningEffort(ociModelId: string): boolean {
  return /^(openai\.(gpt-oss|gpt-5|o\d)|xai\.grok-3-mini)/.test(ociModelId);
}
