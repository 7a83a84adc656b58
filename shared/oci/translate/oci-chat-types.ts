/**
 * The `chatRequest` part of OCI Generative AI `ChatDetails` (API 20231130), as the proxy
 * builds it. These mirror the SDK's models (oci-generativeaiinference 2.142:
 * generic-chat-request, cohere-chat-request, message, text-content, image-content,
 * function-call, function-definition, tool-choice-*, response-format-*, cohere-*), but
 * with string-literal unions instead of the SDK's TS enums so plain object literals type-check.
 * The assertions at the bottom fail `tsc` if a field name drifts from the SDK.
 */
import type { models } from "oci-generativeaiinference";

export type OciApiFormat = "GENERIC" | "COHERE";

// ---- GENERIC (meta.*, xai.*, openai.*, google.*) ----------------------------------------

export interface OciTextContent {
  type: "TEXT";
  text: string;
}

export interface OciImageContent {
  type: "IMAGE";
  imageUrl: { url: string; detail?: "AUTO" | "HIGH" | "LOW" };
}

export type OciChatContent = OciTextContent | OciImageContent;

/** Tool calls are flat in OCI (no nested `function`). */
export interface OciFunctionCall {
  id: string;
  type: "FUNCTION";
  name: string;
  arguments: string;
}

export interface OciContentMessage {
  role: "SYSTEM" | "DEVELOPER" | "USER";
  content: OciChatContent[];
  name?: string;
}

export interface OciAssistantMessage {
  role: "ASSISTANT";
  /** Omitted for a tool-call-only turn. */
  content?: OciTextContent[];
  name?: string;
  toolCalls?: OciFunctionCall[];
}

export interface OciToolMessage {
  role: "TOOL";
  content: OciTextContent[];
  toolCallId: string;
}

export type OciMessage = OciContentMessage | OciAssistantMessage | OciToolMessage;

export interface OciFunctionDefinition {
  type: "FUNCTION";
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

export type OciToolChoice = { type: "AUTO" | "NONE" | "REQUIRED" } | { type: "FUNCTION"; name: string };

export type OciResponseFormat =
  | { type: "TEXT" }
  | { type: "JSON_OBJECT" }
  | {
      type: "JSON_SCHEMA";
      jsonSchema: { name: string; description?: string; schema?: Record<string, unknown>; isStrict?: boolean };
    };

export interface OciStreamOptions {
  isIncludeUsage: boolean;
}

export interface OciGenericChatRequest {
  apiFormat: "GENERIC";
  messages: OciMessage[];
  maxTokens?: number;
  /** Used instead of maxTokens for OpenAI's own (non gpt-oss) models, which reject maxTokens. */
  maxCompletionTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stop?: string[];
  seed?: number;
  numGenerations?: number;
  logProbs?: number;
  logitBias?: Record<string, number>;
  tools?: OciFunctionDefinition[];
  toolChoice?: OciToolChoice;
  isParallelToolCalls?: boolean;
  responseFormat?: OciResponseFormat;
  reasoningEffort?: "NONE" | "MINIMAL" | "LOW" | "MEDIUM" | "HIGH";
  isStream?: boolean;
  streamOptions?: OciStreamOptions;
}

// ---- COHERE (cohere.command*) -------------------------------------------------------------

export interface OciCohereToolCall {
  name: string;
  parameters: Record<string, unknown>;
}

export interface OciCohereToolResult {
  call: OciCohereToolCall;
  /** Objects the tool returned; Cohere renders each to the model. */
  outputs: Record<string, unknown>[];
}

export type OciCohereMessage =
  | { role: "USER" | "SYSTEM"; message: string }
  | { role: "CHATBOT"; message?: string; toolCalls?: OciCohereToolCall[] }
  | { role: "TOOL"; toolResults: OciCohereToolResult[] };

export interface OciCohereParameterDefinition {
  /** Python-style type names, as in Cohere's v1 tool-use docs: str, int, float, bool, list, dict. */
  type: string;
  description?: string;
  isRequired?: boolean;
}

export interface OciCohereTool {
  name: string;
  description: string;
  parameterDefinitions?: Record<string, OciCohereParameterDefinition>;
}

/** Cohere has no JSON_SCHEMA type: a schema rides on JSON_OBJECT. */
export type OciCohereResponseFormat = { type: "TEXT" } | { type: "JSON_OBJECT"; schema?: Record<string, unknown> };

export interface OciCohereChatRequest {
  apiFormat: "COHERE";
  /** The turn to answer; "" when the turn is tool results (see toolResults). */
  message: string;
  chatHistory?: OciCohereMessage[];
  preambleOverride?: string;
  tools?: OciCohereTool[];
  toolResults?: OciCohereToolResult[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  frequencyPenalty?: number;
  presencePenalty?: number;
  stopSequences?: string[];
  seed?: number;
  responseFormat?: OciCohereResponseFormat;
  isStream?: boolean;
  streamOptions?: OciStreamOptions;
}

export type OciChatRequest = OciGenericChatRequest | OciCohereChatRequest;

// ---- compile-time drift check against the SDK -----------------------------------------------

type Assert<T extends true> = T;
/** A is assignable to B and declares no field B lacks (catches a misspelt optional field). */
type Fits<A, B> = A extends B ? ([Exclude<keyof A, keyof B>] extends [never] ? true : false) : false;
// reasoningEffort and image detail are TS enums in the SDK; everything else must line up.
export type _GenericFitsSdk = Assert<
  Fits<Omit<OciGenericChatRequest, "reasoningEffort">, Omit<models.GenericChatRequest, "reasoningEffort">>
>;
export type _CohereFitsSdk = Assert<Fits<OciCohereChatRequest, models.CohereChatRequest>>;
export type _FunctionCallFitsSdk = Assert<Fits<OciFunctionCall, models.FunctionCall>>;
export type _ToolMessageFitsSdk = Assert<Fits<OciToolMessage, models.ToolMessage>>;
export type _AssistantFitsSdk = Assert<Fits<OciAssistantMessage, models.AssistantMessage>>;
export type _CohereToolFitsSdk = Assert<Fits<OciCohereTool, models.CohereTool>>;
export type _ChatBotFitsSdk = Assert<Fits<Extract<OciCohereMessage, { role: "CHATBOT" }>, models.CohereChatBotMessage>>;
export type _ToolResultsFitsSdk = Assert<Fits<Extract<OciCohereMessage, { role: "TOOL" }>, models.CohereToolMessage>>;
export type _SchemaFitsSdk = Assert<
  Fits<Extract<OciResponseFormat, { type: "JSON_SCHEMA" }>["jsonSchema"], models.ResponseJsonSchema>
>;
