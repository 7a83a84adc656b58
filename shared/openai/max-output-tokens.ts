/**
 * The largest max_tokens the proxy accepts (from clients, and as default_max_tokens): far
 * above any OCI model's output limit (OCI answers 400 past a model's own), far below overflow.
 */
export const MAX_OUTPUT_TOKENS = 1_000_000;
