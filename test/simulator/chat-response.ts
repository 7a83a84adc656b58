/** Non-streaming `ChatResult` bodies (field names as in oci-generativeaiinference's model types). */
import type { ChatPlan } from "./chat-plan";
import { finishReasonFor } from "./vendors";

export const MODEL_VERSION = "1.0.0";

/** Usage as OCI reports it; details only where the vendor has them. */
export function usageOf(plan: ChatPlan): Record<string, unknown> {
  const u: Record<string, unknown> = {
    completionTokens: plan.usage.completionTokens,
    promptTokens: plan.usage.promptTokens,
    totalTokens: plan.usage.totalTokens,
  };
  if (plan.profile.reasoning !== "none") u.completionTokensDetails = { reasoningTokens: plan.usage.reasoningTokens };
  if (plan.profile.vendor === "xai" || plan.profile.vendor === "openai") u.promptTokensDetails = { cachedTokens: 0 };
  return u;
}

export function chatResult(plan: ChatPlan): unknown {
  return {
    modelId: plan.modelId,
    modelVersion: MODEL_VERSION,
    chatResponse: plan.apiFormat === "GENERIC" ? genericResponse(plan) : cohereResponse(plan),
  };
}

function genericResponse(plan: ChatPlan): unknown {
  const message: Record<string, unknown> = { role: "ASSISTANT" };
  if (plan.toolCall) {
    const tc: Record<string, unknown> = { type: "FUNCTION" };
    if (plan.toolCall.id !== undefined) tc.id = plan.toolCall.id;
    tc.name = plan.toolCall.name;
    tc.arguments = plan.toolCall.arguments;
    message.toolCalls = [tc];
  } else {
    message.content = [{ type: "TEXT", text: plan.text }];
  }
  if (plan.reasoningText) message.reasoningContent = plan.reasoningText;
  return {
    apiFormat: "GENERIC",
    timeCreated: new Date().toISOString(),
    choices: [{ index: 0, message, finishReason: finishReasonFor(plan.profile, plan.finish) }],
    usage: usageOf(plan),
  };
}

function cohereResponse(plan: ChatPlan): unknown {
  const r: Record<string, unknown> = {
    apiFormat: "COHERE",
    text: plan.text,
    chatHistory: cohereHistory(plan),
    finishReason: finishReasonFor(plan.profile, plan.finish),
  };
  if (plan.toolCall) r.toolCalls = [cohereToolCall(plan)];
  r.usage = usageOf(plan);
  return r;
}

export function cohereToolCall(plan: ChatPlan): { name: string; parameters: Record<string, unknown> } {
  return { name: plan.toolCall!.name, parameters: plan.toolCall!.parameters };
}

/** The conversation after this turn, as Cohere returns it (USER turn + CHATBOT answer). */
export function cohereHistory(plan: ChatPlan): unknown[] {
  const bot: Record<string, unknown> = { role: "CHATBOT", message: plan.text };
  if (plan.toolCall) bot.toolCalls = [cohereToolCall(plan)];
  return [{ role: "USER", message: plan.cohereMessage }, bot];
}
