/**
 * Per-vendor behaviour of OCI Generative AI chat models, keyed by the modelId prefix.
 * The proxy must cope with every difference listed here, so the simulator reproduces them.
 */

export type Vendor = "meta" | "xai" | "openai" | "google" | "cohere" | "dedicated";
export type FinishKind = "stop" | "tool_calls" | "length";

export interface VendorProfile {
  vendor: Vendor;
  /** Only Meta (vLLM-served) models end their stream with `data: [DONE]`. */
  sendsDone: boolean;
  /** Meta streams open with an empty text delta before the first real token. */
  leadingEmptyDelta: boolean;
  /** How `finishReason` is spelled. */
  finishCasing: "lower" | "upper" | "cohere";
  /**
   * `content`: streams `message.reasoningContent` and reports reasoningTokens (grok-3-mini, gpt-oss);
   * `tokens`: thinks silently, only usage.completionTokensDetails.reasoningTokens (grok-4, gemini-2.5);
   * `none`: no reasoning.
   */
  reasoning: "none" | "tokens" | "content";
  /** Shape of tool-call ids: vLLM style, OpenAI style, or omitted entirely (Gemini). */
  toolCallIds: "chatcmpl" | "call" | "none";
  /** Gemini sends a tool call whole (name + full arguments) instead of argument fragments. */
  toolCallWhole: boolean;
}

const base = {
  sendsDone: false,
  leadingEmptyDelta: false,
  finishCasing: "lower",
  reasoning: "none",
  toolCallIds: "call",
  toolCallWhole: false,
} as const;

/** The profile for an on-demand modelId, or undefined when OCI would not know the model. */
export function vendorProfile(modelId: string): VendorProfile | undefined {
  const dot = modelId.indexOf(".");
  const prefix = dot < 0 ? "" : modelId.slice(0, dot);
  switch (prefix) {
    case "meta":
      return { ...base, vendor: "meta", sendsDone: true, leadingEmptyDelta: true, toolCallIds: "chatcmpl" };
    case "xai":
      return {
        ...base,
        vendor: "xai",
        reasoning: modelId.startsWith("xai.grok-3-mini") ? "content" : modelId.startsWith("xai.grok-4") ? "tokens" : "none",
      };
    case "openai":
      return { ...base, vendor: "openai", reasoning: modelId.startsWith("openai.gpt-oss") ? "content" : "none" };
    case "google":
      return {
        ...base,
        vendor: "google",
        finishCasing: "upper",
        toolCallIds: "none",
        toolCallWhole: true,
        reasoning: modelId.startsWith("google.gemini-2.5") ? "tokens" : "none",
      };
    case "cohere":
      return { ...base, vendor: "cohere", finishCasing: "cohere" };
    default:
      return undefined;
  }
}

/** Dedicated endpoints: the model behind them is unknown, so use plain generic behaviour. */
export function dedicatedProfile(apiFormat: string): VendorProfile {
  return apiFormat === "COHERE"
    ? { ...base, vendor: "cohere", finishCasing: "cohere" }
    : { ...base, vendor: "dedicated" };
}

const FINISH: Record<VendorProfile["finishCasing"], Record<FinishKind, string>> = {
  lower: { stop: "stop", tool_calls: "tool_calls", length: "length" },
  upper: { stop: "STOP", tool_calls: "TOOL_CALLS", length: "MAX_TOKENS" },
  // The SDK's CohereChatResponse.FinishReason enum has no tool-call value: Cohere reports COMPLETE.
  cohere: { stop: "COMPLETE", tool_calls: "COMPLETE", length: "MAX_TOKENS" },
};

/** The finishReason string this vendor puts on the wire. */
export function finishReasonFor(profile: VendorProfile, kind: FinishKind): string {
  return FINISH[profile.finishCasing][kind];
}
