import { InvalidRequestError } from "../openai/errors";
import { MAX_OUTPUT_TOKENS } from "../openai/max-output-tokens";
import { invalidValue, isObject, missing, modelRequest, optionalBoolean, optionalString, requiredString, wrongType, type Json } from "../openai/request-checks";
import type { MessagesRequest } from "./messages-types";

const ROLES = new Set(["user", "assistant", "system"]);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const TOOL_CHOICES = "'auto', 'any', 'tool' and 'none'";

/**
 * Checks a parsed JSON body against the Messages API request schema (Anthropic's field
 * paths, e.g. `messages.1.content.0.source.data`) and returns it typed. `max_tokens` is
 * required, as in Anthropic's API, except for count_tokens (`forCounting`).
 *
 * @example
 *   validateMessagesRequest({ model: "grok-4", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }] });
 */
export function validateMessagesRequest(body: unknown, forCounting = false): MessagesRequest {
  try {
    return validate(body, forCounting);
  } catch (err) {
    if (err instanceof InvalidRequestError) throw err;
    throw new InvalidRequestError("The request body could not be read as a Messages API request.");
  }
}

function validate(raw: unknown, forCounting: boolean): MessagesRequest {
  const body = modelRequest(raw);

  if (!forCounting || body.max_tokens != null) integer(body, "max_tokens", 1, true, { max: MAX_OUTPUT_TOKENS });
  const messages = body.messages;
  if (messages == null) throw missing("messages");
  if (!Array.isArray(messages)) throw wrongType("messages", "an array", messages);
  if (messages.length === 0) throw new InvalidRequestError("Invalid 'messages': at least one message is required.", "messages");
  for (let i = 0; i < messages.length; i++) validateMessage(messages[i], `messages.${i}`);

  validateSystem(body.system);
  validateTools(body.tools);
  validateToolChoice(body.tool_choice);
  number(body, "temperature", 0, 1);
  number(body, "top_p", 0, 1);
  integer(body, "top_k", 0, false);
  optionalBoolean(body, "stream");
  const stops = body.stop_sequences;
  if (stops != null) {
    if (!Array.isArray(stops)) throw wrongType("stop_sequences", "an array of strings", stops);
    stops.forEach((s, i) => {
      if (typeof s !== "string") throw wrongType(`stop_sequences.${i}`, "a string", s);
    });
  }
  validateThinking(body.thinking);
  if (body.metadata != null && !isObject(body.metadata)) throw wrongType("metadata", "an object", body.metadata);
  validateOutputConfig(body.output_config);
  return body as unknown as MessagesRequest;
}

function validateMessage(message: unknown, path: string): void {
  if (!isObject(message)) throw wrongType(path, "an object", message);
  const role = message.role;
  if (role == null) throw missing(`${path}.role`);
  if (typeof role !== "string" || !ROLES.has(role)) throw invalidValue(`${path}.role`, role, "'user' and 'assistant'");
  const content = message.content;
  if (content == null) throw missing(`${path}.content`);
  if (typeof content === "string") return;
  if (!Array.isArray(content)) throw wrongType(`${path}.content`, "a string or an array of content blocks", content);
  for (let j = 0; j < content.length; j++) validateBlock(content[j], `${path}.content.${j}`, role);
}

function validateBlock(block: unknown, path: string, role: string): void {
  if (!isObject(block)) throw wrongType(path, "an object", block);
  const type = block.type;
  if (type == null) throw missing(`${path}.type`);
  if (typeof type !== "string") throw wrongType(`${path}.type`, "a string", type);
  switch (type) {
    case "text":
      return requiredString(block, "text", path, true);
    case "image":
      return validateImage(block, path);
    case "tool_use":
      if (role !== "assistant") throw new InvalidRequestError(`Invalid '${path}': tool_use blocks belong in assistant messages.`, path);
      requiredString(block, "id", path);
      requiredString(block, "name", path);
      if (!("input" in block)) throw missing(`${path}.input`);
      return;
    case "tool_result": {
      if (role === "assistant") throw new InvalidRequestError(`Invalid '${path}': tool_result blocks belong in user messages.`, path);
      requiredString(block, "tool_use_id", path);
      optionalBoolean(block, "is_error", `${path}.is_error`);
      const content = block.content;
      if (content == null || typeof content === "string") return;
      if (!Array.isArray(content)) throw wrongType(`${path}.content`, "a string or an array of content blocks", content);
      for (let k = 0; k < content.length; k++) {
        const inner = content[k];
        const innerPath = `${path}.content.${k}`;
        if (!isObject(inner)) throw wrongType(innerPath, "an object", inner);
        if (inner.type === "text") requiredString(inner, "text", innerPath, true);
        else if (inner.type === "image") validateImage(inner, innerPath);
        else throw invalidValue(`${innerPath}.type`, inner.type, "'text' and 'image'");
      }
      return;
    }
    case "document":
      throw new InvalidRequestError(`Invalid '${path}.type': document blocks are not supported by this proxy (OCI models take text and images).`, `${path}.type`);
    default:
      // thinking, redacted_thinking, server tool blocks, search results…: read past.
      return;
  }
}

function validateImage(block: Json, path: string): void {
  const source = block.source;
  if (source == null) throw missing(`${path}.source`);
  if (!isObject(source)) throw wrongType(`${path}.source`, "an object", source);
  if (source.type === "base64") {
    requiredString(source, "media_type", `${path}.source`);
    requiredString(source, "data", `${path}.source`);
  } else if (source.type === "url") {
    requiredString(source, "url", `${path}.source`);
  } else {
    throw invalidValue(`${path}.source.type`, source.type, "'base64' and 'url'");
  }
}

function validateSystem(system: unknown): void {
  if (system == null || typeof system === "string") return;
  if (!Array.isArray(system)) throw wrongType("system", "a string or an array of text blocks", system);
  system.forEach((block, i) => {
    if (!isObject(block)) throw wrongType(`system.${i}`, "an object", block);
    if (block.type !== "text") throw invalidValue(`system.${i}.type`, block.type, "'text'");
    requiredString(block, "text", `system.${i}`, true);
  });
}

function validateTools(tools: unknown): void {
  if (tools == null) return;
  if (!Array.isArray(tools)) throw wrongType("tools", "an array", tools);
  tools.forEach((tool, i) => {
    const path = `tools.${i}`;
    if (!isObject(tool)) throw wrongType(path, "an object", tool);
    optionalString(tool, "type", `${path}.type`);
    requiredString(tool, "name", path);
    if (!isClientTool(tool)) return;
    if (!TOOL_NAME.test(tool.name as string)) {
      throw new InvalidRequestError(`Invalid '${path}.name': String should match pattern '^[a-zA-Z0-9_-]{1,128}$'.`, `${path}.name`);
    }
    optionalString(tool, "description", `${path}.description`);
    const schema = tool.input_schema;
    if (schema == null) throw missing(`${path}.input_schema`);
    if (!isObject(schema)) throw wrongType(`${path}.input_schema`, "an object", schema);
  });
}

/** Client tools have no type or "custom"; server tools carry a versioned type. */
export function isClientTool(tool: { type?: unknown }): boolean {
  return tool.type == null || tool.type === "custom";
}

function validateToolChoice(choice: unknown): void {
  if (choice == null) return;
  if (!isObject(choice)) throw wrongType("tool_choice", "an object", choice);
  const type = choice.type;
  if (type !== "auto" && type !== "any" && type !== "tool" && type !== "none") throw invalidValue("tool_choice.type", type, TOOL_CHOICES);
  if (type === "tool") requiredString(choice, "name", "tool_choice");
  optionalBoolean(choice, "disable_parallel_tool_use", "tool_choice.disable_parallel_tool_use");
}

function validateThinking(thinking: unknown): void {
  if (thinking == null) return;
  if (!isObject(thinking)) throw wrongType("thinking", "an object", thinking);
  const type = thinking.type;
  if (type !== "enabled" && type !== "disabled" && type !== "adaptive") throw invalidValue("thinking.type", type, "'enabled', 'disabled' and 'adaptive'");
  if (type === "enabled") integer(thinking, "budget_tokens", 1, true, { path: "thinking.budget_tokens", max: MAX_OUTPUT_TOKENS });
}

function validateOutputConfig(config: unknown): void {
  if (config == null) return;
  if (!isObject(config)) throw wrongType("output_config", "an object", config);
  const format = config.format;
  if (format == null) return;
  if (!isObject(format)) throw wrongType("output_config.format", "an object", format);
  if (format.type !== "json_schema") throw invalidValue("output_config.format.type", format.type, "'json_schema'");
  if (!isObject(format.schema)) throw format.schema == null ? missing("output_config.format.schema") : wrongType("output_config.format.schema", "an object", format.schema);
}


/** A whole number >= min (and <= max); one too large to be exact (1e20) fails on the bound, not the type. */
function integer(obj: Json, key: string, min: number, required: boolean, { path = key, max = Number.MAX_SAFE_INTEGER } = {}): void {
  const value = obj[key];
  if (value == null) {
    if (required) throw missing(path);
    return;
  }
  if (typeof value !== "number" || !Number.isInteger(value)) throw wrongType(path, "an integer", value);
  if (value < min) throw new InvalidRequestError(`Invalid '${path}': expected a value >= ${min}, but got ${value} instead.`, path);
  if (value > max) throw new InvalidRequestError(`Invalid '${path}': expected a value <= ${max}, but got ${value} instead.`, path);
}

function number(obj: Json, key: string, min: number, max: number): void {
  const value = obj[key];
  if (value == null) return;
  if (typeof value !== "number" || !Number.isFinite(value)) throw wrongType(key, "a number", value);
  if (value < min || value > max) throw new InvalidRequestError(`Invalid '${key}': expected a value between ${min} and ${max}, but got ${value} instead.`, key);
}
