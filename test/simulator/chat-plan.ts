/**
 * Validates an OCI `ChatDetails` body and decides, deterministically, what the simulated model
 * answers: text pieces, an optional tool call, reasoning, finish kind and token usage. The
 * response/stream modules only render a plan into the wire format.
 */
import { invalidParameter, ociError, type OciErrorSpec } from "./oci-errors";
import { dedicatedProfile, vendorProfile, type FinishKind, type VendorProfile } from "./vendors";

export interface PlannedToolCall {
  /** Absent for vendors that omit ids (Gemini) and for Cohere. */
  id?: string;
  name: string;
  /** JSON object text (GENERIC `arguments`). */
  arguments: string;
  /** The same as an object (COHERE `parameters`). */
  parameters: Record<string, unknown>;
}

export interface ChatPlan {
  modelId: string;
  apiFormat: "GENERIC" | "COHERE";
  profile: VendorProfile;
  stream: boolean;
  includeUsage: boolean;
  /** Word-ish chunks; joined they give `text`. */
  pieces: string[];
  text: string;
  reasoningPieces: string[];
  reasoningText: string;
  toolCall?: PlannedToolCall;
  finish: FinishKind;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number; reasoningTokens: number };
  /** COHERE: the user turn, echoed in `chatHistory`. */
  cohereMessage: string;
}

const FILLER = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua".split(" ");

let toolCallSeq = 0;

export function planChat(body: any, responseWords: number): ChatPlan | OciErrorSpec {
  if (!isObject(body)) return invalidParameter("Request body must be a JSON object.");
  if (typeof body.compartmentId !== "string" || body.compartmentId === "") {
    return invalidParameter("compartmentId is required and must be a string.");
  }
  const mode = body.servingMode;
  if (!isObject(mode)) return invalidParameter("servingMode is required.");
  const req = body.chatRequest;
  if (!isObject(req)) return invalidParameter("chatRequest is required.");
  const apiFormat = req.apiFormat;
  if (apiFormat !== "GENERIC" && apiFormat !== "COHERE") {
    return invalidParameter(`chatRequest.apiFormat must be one of GENERIC, COHERE; got ${JSON.stringify(apiFormat)}.`);
  }

  let modelId: string;
  let profile: VendorProfile;
  if (mode.servingType === "ON_DEMAND") {
    if (typeof mode.modelId !== "string" || mode.modelId === "") return invalidParameter("servingMode.modelId is required.");
    modelId = mode.modelId;
    if (modelId === "test.invalid-params") return invalidParameter(`Invalid parameters for model ${modelId}.`);
    const p = vendorProfile(modelId);
    // Embedding and rerank models do not chat: OCI answers as for a model it does not know.
    if (!p || /^cohere\.(embed|rerank)/.test(modelId)) return ociError(404, "Authorization failed or requested resource not found.");
    profile = p;
    if (p.vendor === "cohere" && apiFormat !== "COHERE") {
      return invalidParameter(`Model ${modelId} requires chatRequest.apiFormat COHERE.`);
    }
    if (p.vendor !== "cohere" && apiFormat !== "GENERIC") {
      return invalidParameter(`Model ${modelId} does not support apiFormat COHERE; use GENERIC.`);
    }
  } else if (mode.servingType === "DEDICATED") {
    if (typeof mode.endpointId !== "string" || mode.endpointId === "") return invalidParameter("servingMode.endpointId is required.");
    modelId = mode.endpointId;
    profile = dedicatedProfile(apiFormat);
  } else {
    return invalidParameter("servingMode.servingType must be ON_DEMAND or DEDICATED.");
  }

  const maxTokens = req.maxTokens ?? req.maxCompletionTokens;
  if (maxTokens !== undefined && (typeof maxTokens !== "number" || !Number.isInteger(maxTokens) || maxTokens < 1)) {
    return invalidParameter("maxTokens must be an integer of at least 1.");
  }

  const turn = apiFormat === "GENERIC" ? readGenericTurn(req) : readCohereTurn(req);
  if ("status" in turn) return turn;

  const plan: ChatPlan = {
    modelId,
    apiFormat,
    profile,
    stream: req.isStream === true,
    includeUsage: req.streamOptions?.isIncludeUsage === true,
    pieces: [],
    text: "",
    reasoningPieces: [],
    reasoningText: "",
    finish: "stop",
    usage: { promptTokens: turn.promptWords, completionTokens: 0, totalTokens: 0, reasoningTokens: 0 },
    cohereMessage: turn.userText,
  };

  const tool = turn.wantsTool ? pickTool(req, apiFormat) : undefined;
  if (tool) {
    const parameters = apiFormat === "GENERIC" ? sampleFromSchema(tool.parameters) : sampleFromCohere(tool.parameterDefinitions);
    const seq = (++toolCallSeq).toString(16).padStart(8, "0");
    plan.toolCall = {
      id: profile.toolCallIds === "none" || apiFormat === "COHERE" ? undefined : profile.toolCallIds === "chatcmpl" ? `chatcmpl-tool-${seq}` : `call_${seq}`,
      name: String(tool.name ?? "tool"),
      arguments: JSON.stringify(parameters),
      parameters,
    };
    plan.finish = "tool_calls";
    plan.usage.completionTokens = 1 + Object.keys(parameters).length * 2;
  } else {
    const echo = oneLine(turn.userText).slice(0, 40);
    let words: string[];
    if (turn.toolResult !== undefined) {
      words = `Based on the tool result: ${oneLine(turn.toolResult).slice(0, 500)}`.split(" ");
    } else {
      words = `Simulated answer from ${modelId} to: "${echo}"`.split(" ");
      if (turn.images > 0) words.unshift("I", "see", String(turn.images), turn.images === 1 ? "image." : "images.");
    }
    const rf = req.responseFormat?.type;
    if (rf === "JSON_OBJECT" || rf === "JSON_SCHEMA") {
      words = JSON.stringify({ answer: words.join(" "), model: modelId }).split(" ");
    } else {
      for (let i = 0; words.length < responseWords; i++) words.push(FILLER[i % FILLER.length]);
    }
    if (maxTokens !== undefined && words.length > maxTokens) {
      words = words.slice(0, maxTokens);
      plan.finish = "length";
    }
    plan.pieces = words.map((w, i) => (i === 0 ? w : ` ${w}`));
    plan.text = plan.pieces.join("");
    plan.usage.completionTokens = words.length;
  }

  if (profile.reasoning !== "none" && apiFormat === "GENERIC") {
    const thought = `Thinking about "${oneLine(turn.userText).slice(0, 40)}" step by step.`.split(" ");
    plan.usage.reasoningTokens = thought.length;
    plan.usage.completionTokens += thought.length;
    if (profile.reasoning === "content") {
      plan.reasoningPieces = thought.map((w, i) => (i === 0 ? w : ` ${w}`));
      plan.reasoningText = plan.reasoningPieces.join("");
    }
  }
  plan.usage.totalTokens = plan.usage.promptTokens + plan.usage.completionTokens;
  return plan;
}

interface Turn {
  userText: string;
  images: number;
  toolResult?: string;
  wantsTool: boolean;
  promptWords: number;
}

function readGenericTurn(req: any): Turn | OciErrorSpec {
  const messages = req.messages;
  if (!Array.isArray(messages) || messages.length === 0) return invalidParameter("chatRequest.messages must be a non-empty array.");
  let promptWords = 0;
  for (const m of messages) {
    if (!isObject(m) || typeof m.role !== "string") return invalidParameter("Each message needs a role.");
    if (Array.isArray(m.content)) for (const part of m.content) if (part?.type === "TEXT") promptWords += countWords(part.text);
  }
  const last = messages[messages.length - 1];
  let lastUser = last;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === "USER") {
      lastUser = messages[i];
      break;
    }
  }
  let userText = "";
  let images = 0;
  if (Array.isArray(lastUser.content)) {
    for (const part of lastUser.content) {
      if (part?.type === "TEXT" && typeof part.text === "string") userText += (userText ? " " : "") + part.text;
      else if (part?.type === "IMAGE" && part.imageUrl?.url) images++;
    }
  }
  const tools = req.tools;
  const wantsTool = Array.isArray(tools) && tools.length > 0 && req.toolChoice?.type !== "NONE" && last.role === "USER";
  const toolResult = last.role === "TOOL" ? textOf(last.content) : undefined;
  return { userText, images, toolResult, wantsTool, promptWords };
}

function readCohereTurn(req: any): Turn | OciErrorSpec {
  if (typeof req.message !== "string") return invalidParameter("chatRequest.message is required for apiFormat COHERE.");
  let promptWords = countWords(req.message) + countWords(req.preambleOverride);
  if (req.chatHistory !== undefined && !Array.isArray(req.chatHistory)) return invalidParameter("chatRequest.chatHistory must be an array.");
  for (const m of req.chatHistory ?? []) promptWords += countWords(m?.message);
  const results = req.toolResults;
  const hasResults = Array.isArray(results) && results.length > 0;
  const toolResult = hasResults
    ? results.map((r: any) => (Array.isArray(r?.outputs) ? r.outputs.map((o: unknown) => JSON.stringify(o)).join(" ") : "")).join(" ")
    : undefined;
  const wantsTool = Array.isArray(req.tools) && req.tools.length > 0 && !hasResults && req.toolChoice?.type !== "NONE";
  return { userText: req.message, images: 0, toolResult, wantsTool, promptWords };
}

function pickTool(req: any, apiFormat: string): any {
  const tools: any[] = req.tools;
  const named = apiFormat === "GENERIC" && req.toolChoice?.type === "FUNCTION" ? req.toolChoice.name : undefined;
  if (named) return tools.find((t) => t?.name === named) ?? { name: named };
  return tools[0];
}

function sampleFromSchema(schema: any): Record<string, unknown> {
  if (typeof schema === "string") {
    try {
      schema = JSON.parse(schema);
    } catch {
      return {};
    }
  }
  const out: Record<string, unknown> = {};
  const props = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  for (const [name, prop] of Object.entries<any>(props)) out[name] = sampleValue(prop?.type, prop?.enum);
  return out;
}

function sampleFromCohere(defs: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isObject(defs)) for (const [name, def] of Object.entries<any>(defs)) out[name] = sampleValue(def?.type);
  return out;
}

function sampleValue(type: unknown, choices?: unknown): unknown {
  if (Array.isArray(choices) && choices.length > 0) return choices[0];
  const t = Array.isArray(type) ? type[0] : type;
  switch (t) {
    case "number":
    case "integer":
    case "int":
    case "float":
      return 1;
    case "boolean":
    case "bool":
      return true;
    case "array":
    case "list":
      return [];
    case "object":
    case "dict":
      return {};
    default:
      return "Paris";
  }
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  let s = "";
  for (const part of content) if (part?.type === "TEXT" && typeof part.text === "string") s += part.text;
  return s;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}

/** Whitespace-separated words, counted without allocating. */
export function countWords(s: unknown): number {
  if (typeof s !== "string") return 0;
  let n = 0;
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const space = c === 32 || c === 10 || c === 9 || c === 13;
    if (!space && !inWord) n++;
    inWord = !space;
  }
  return n;
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
