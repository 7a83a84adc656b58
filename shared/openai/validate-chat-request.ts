import type { ChatCompletionRequest } from "./chat-types";
import { InvalidRequestError } from "./errors";
import { MAX_OUTPUT_TOKENS } from "./max-output-tokens";
import {
  clip,
  invalidValue,
  isObject,
  missing,
  modelRequest,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  wrongType,
  type Json,
} from "./request-checks";

/**
 * Checks a parsed JSON body against the Chat Completions request schema and returns the
 * same object, typed. Errors name the field the way OpenAI does (`messages[2].content[0].type`),
 * so clients see familiar messages. Unknown top-level fields are ignored; optional fields
 * may be `null` (treated as absent).
 *
 * Nothing is cloned and nested JSON (tool schemas, logit_bias) is only type-checked at its
 * root, so the cost is linear in the number of messages and parts. Any input, however
 * hostile, ends in either the typed request or an {@link InvalidRequestError}.
 *
 * @example
 *   const req = validateChatRequest(JSON.parse(body)); // throws InvalidRequestError (400)
 *   req.messages[0].role; // "system" | "developer" | "user" | "assistant" | "tool"
 */
export function validateChatRequest(body: unknown): ChatCompletionRequest {
  try {
    return validate(body);
  } catch (err) {
    if (err instanceof InvalidRequestError) throw err;
    // Defence in depth: a getter or proxy in a hand-built body must not escape as a 500.
    throw new InvalidRequestError("The request body could not be read as a chat completion request.");
  }
}

const ROLES = new Set(["system", "developer", "user", "assistant", "tool"]);
const ROLE_LIST = "'system', 'developer', 'user', 'assistant' and 'tool'";
const REASONING_EFFORTS = new Set(["none", "minimal", "low", "medium", "high"]);
const TOOL_CHOICES = new Set(["auto", "none", "required"]);
const RESPONSE_FORMATS = new Set(["text", "json_object", "json_schema"]);
const DETAILS = new Set(["auto", "low", "high"]);
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;


function validate(input: unknown): ChatCompletionRequest {
  const body = modelRequest(input);

  const messages = body.messages;
  if (messages == null) throw missing("messages");
  if (!Array.isArray(messages)) throw wrongType("messages", "an array", messages);
  if (messages.length === 0) throw new InvalidRequestError("Invalid 'messages': empty array. Expected an array with minimum length 1.", "messages");
  for (let i = 0; i < messages.length; i++) validateMessage(messages[i], `messages[${i}]`);

  optionalBoolean(body, "stream");
  const streamOptions = body.stream_options;
  if (streamOptions != null) {
    if (!isObject(streamOptions)) throw wrongType("stream_options", "an object", streamOptions);
    optionalBoolean(streamOptions, "include_usage", "stream_options.include_usage");
  }

  optionalInteger(body, "max_tokens", 1, MAX_OUTPUT_TOKENS);
  optionalInteger(body, "max_completion_tokens", 1, MAX_OUTPUT_TOKENS);
  optionalNumber(body, "temperature", 0, 2);
  optionalNumber(body, "top_p", 0, 1);
  optionalInteger(body, "top_k", -1);
  optionalNumber(body, "frequency_penalty", -2, 2);
  optionalNumber(body, "presence_penalty", -2, 2);
  optionalInteger(body, "seed", Number.MIN_SAFE_INTEGER);
  optionalBoolean(body, "parallel_tool_calls");
  optionalBoolean(body, "logprobs");
  optionalInteger(body, "top_logprobs", 0, 20);
  optionalString(body, "user");

  const n = optionalInteger(body, "n", 1);
  if (n !== undefined && n !== 1) {
    // OCI returns a single choice per call; silently answering with one would break clients that index choices[1].
    throw new InvalidRequestError(`Invalid 'n': ${n}. This proxy supports only n = 1 (OCI Generative AI returns one choice).`, "n");
  }

  validateStop(body.stop);
  validateLogitBias(body.logit_bias);
  const toolNames = validateTools(body.tools);
  validateToolChoice(body.tool_choice, toolNames);
  validateResponseFormat(body.response_format);

  const effort = body.reasoning_effort;
  if (effort != null && !(typeof effort === "string" && REASONING_EFFORTS.has(effort))) {
    throw invalidValue("reasoning_effort", effort, "'none', 'minimal', 'low', 'medium' and 'high'");
  }

  return body as unknown as ChatCompletionRequest;
}

function validateMessage(message: unknown, path: string): void {
  if (!isObject(message)) throw wrongType(path, "an object", message);
  const role = message.role;
  if (role == null) throw missing(`${path}.role`);
  if (typeof role !== "string" || !ROLES.has(role)) throw invalidValue(`${path}.role`, role, ROLE_LIST);
  optionalString(message, "name", `${path}.name`);

  const content = message.content;
  switch (role) {
    case "user":
      if (content == null) throw missing(`${path}.content`);
      validateContent(content, `${path}.content`, true);
      return;
    case "system":
    case "developer":
      if (content == null) throw missing(`${path}.content`);
      validateContent(content, `${path}.content`, false);
      return;
    case "tool": {
      if (content == null) throw missing(`${path}.content`);
      validateContent(content, `${path}.content`, false);
      const id = message.tool_call_id;
      if (id == null) throw missing(`${path}.tool_call_id`);
      if (typeof id !== "string") throw wrongType(`${path}.tool_call_id`, "a string", id);
      if (id.length === 0) throw new InvalidRequestError(`Invalid '${path}.tool_call_id': empty string.`, `${path}.tool_call_id`);
      return;
    }
    default: {
      // assistant: text, tool calls, or both.
      const toolCalls = message.tool_calls;
      const hasToolCalls = toolCalls != null;
      if (hasToolCalls) validateToolCalls(toolCalls, `${path}.tool_calls`);
      if (content != null) validateContent(content, `${path}.content`, false);
      else if (!hasToolCalls) {
        throw new InvalidRequestError(`Invalid '${path}': an assistant message needs 'content' or 'tool_calls'.`, `${path}.content`);
      }
    }
  }
}

/** A string, or a non-empty array of parts; images only where OpenAI allows them (user). */
function validateContent(content: unknown, path: string, allowImages: boolean): void {
  if (typeof content === "string") return;
  if (!Array.isArray(content)) throw wrongType(path, "a string or an array of content parts", content);
  if (content.length === 0) throw new InvalidRequestError(`Invalid '${path}': empty array. Expected an array with minimum length 1.`, path);
  for (let j = 0; j < content.length; j++) {
    const part = content[j];
    const partPath = `${path}[${j}]`;
    if (!isObject(part)) throw wrongType(partPath, "an object", part);
    const type = part.type;
    if (type == null) throw missing(`${partPath}.type`);
    if (type === "text") {
      if (typeof part.text !== "string") {
        throw part.text == null ? missing(`${partPath}.text`) : wrongType(`${partPath}.text`, "a string", part.text);
      }
    } else if (type === "image_url" && allowImages) {
      validateImageUrl(part.image_url, `${partPath}.image_url`);
    } else {
      const supported = allowImages ? "'text' and 'image_url'" : "'text'";
      throw invalidValue(`${partPath}.type`, type, supported);
    }
  }
}

function validateImageUrl(imageUrl: unknown, path: string): void {
  if (imageUrl == null) throw missing(path);
  if (!isObject(imageUrl)) throw wrongType(path, "an object", imageUrl);
  const url = imageUrl.url;
  if (url == null) throw missing(`${path}.url`);
  if (typeof url !== "string") throw wrongType(`${path}.url`, "a string", url);
  if (url.length === 0) throw new InvalidRequestError(`Invalid '${path}.url': empty string. Expected an http(s) URL or a data URL.`, `${path}.url`);
  const detail = imageUrl.detail;
  if (detail != null && !(typeof detail === "string" && DETAILS.has(detail))) {
    throw invalidValue(`${path}.detail`, detail, "'auto', 'low' and 'high'");
  }
}

function validateToolCalls(toolCalls: unknown, path: string): void {
  if (!Array.isArray(toolCalls)) throw wrongType(path, "an array", toolCalls);
  if (toolCalls.length === 0) throw new InvalidRequestError(`Invalid '${path}': empty array. Expected an array with minimum length 1.`, path);
  for (let k = 0; k < toolCalls.length; k++) {
    const call = toolCalls[k];
    const callPath = `${path}[${k}]`;
    if (!isObject(call)) throw wrongType(callPath, "an object", call);
    const id = call.id;
    if (id == null) throw missing(`${callPath}.id`);
    if (typeof id !== "string") throw wrongType(`${callPath}.id`, "a string", id);
    if (call.type !== "function") {
      throw call.type == null ? missing(`${callPath}.type`) : invalidValue(`${callPath}.type`, call.type, "'function'");
    }
    const fn = call.function;
    if (fn == null) throw missing(`${callPath}.function`);
    if (!isObject(fn)) throw wrongType(`${callPath}.function`, "an object", fn);
    if (fn.name == null) throw missing(`${callPath}.function.name`);
    if (typeof fn.name !== "string") throw wrongType(`${callPath}.function.name`, "a string", fn.name);
    if (fn.arguments == null) throw missing(`${callPath}.function.arguments`);
    if (typeof fn.arguments !== "string") throw wrongType(`${callPath}.function.arguments`, "a string", fn.arguments);
  }
}

function validateStop(stop: unknown): void {
  if (stop == null || typeof stop === "string") return;
  if (!Array.isArray(stop)) throw wrongType("stop", "a string or an array of strings", stop);
  if (stop.length > 4) throw new InvalidRequestError(`Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${stop.length} instead.`, "stop");
  for (let i = 0; i < stop.length; i++) {
    if (typeof stop[i] !== "string") throw wrongType(`stop[${i}]`, "a string", stop[i]);
  }
}

function validateLogitBias(bias: unknown): void {
  if (bias == null) return;
  if (!isObject(bias)) throw wrongType("logit_bias", "an object", bias);
  for (const key in bias) {
    if (!Object.hasOwn(bias, key)) continue;
    const value = bias[key];
    if (typeof value !== "number" || !(value >= -100 && value <= 100)) {
      throw new InvalidRequestError(`Invalid 'logit_bias': values must be numbers between -100 and 100.`, "logit_bias");
    }
  }
}

/** Returns the declared function names, for checking a named tool_choice. */
function validateTools(tools: unknown): Set<string> {
  const names = new Set<string>();
  if (tools == null) return names;
  if (!Array.isArray(tools)) throw wrongType("tools", "an array", tools);
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    const path = `tools[${i}]`;
    if (!isObject(tool)) throw wrongType(path, "an object", tool);
    if (tool.type !== "function") {
      throw tool.type == null ? missing(`${path}.type`) : invalidValue(`${path}.type`, tool.type, "'function'");
    }
    const fn = tool.function;
    if (fn == null) throw missing(`${path}.function`);
    if (!isObject(fn)) throw wrongType(`${path}.function`, "an object", fn);
    const name = fn.name;
    if (name == null) throw missing(`${path}.function.name`);
    if (typeof name !== "string") throw wrongType(`${path}.function.name`, "a string", name);
    if (!FUNCTION_NAME.test(name)) {
      throw new InvalidRequestError(
        `Invalid '${path}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.`,
        `${path}.function.name`,
      );
    }
    optionalString(fn, "description", `${path}.function.description`);
    const parameters = fn.parameters;
    if (parameters != null && !isObject(parameters)) throw wrongType(`${path}.function.parameters`, "an object", parameters);
    optionalBoolean(fn, "strict", `${path}.function.strict`);
    names.add(name);
  }
  return names;
}

function validateToolChoice(choice: unknown, toolNames: Set<string>): void {
  if (choice == null) return;
  if (typeof choice === "string") {
    if (!TOOL_CHOICES.has(choice)) throw invalidValue("tool_choice", choice, "'auto', 'none' and 'required'");
    if (choice === "required" && toolNames.size === 0) {
      throw new InvalidRequestError("Invalid value for 'tool_choice': 'required' is only allowed when 'tools' are specified.", "tool_choice");
    }
    return;
  }
  if (!isObject(choice)) throw wrongType("tool_choice", "a string or an object", choice);
  if (choice.type !== "function") {
    throw choice.type == null ? missing("tool_choice.type") : invalidValue("tool_choice.type", choice.type, "'function'");
  }
  const fn = choice.function;
  if (fn == null) throw missing("tool_choice.function");
  if (!isObject(fn)) throw wrongType("tool_choice.function", "an object", fn);
  const name = fn.name;
  if (name == null) throw missing("tool_choice.function.name");
  if (typeof name !== "string") throw wrongType("tool_choice.function.name", "a string", name);
  if (!toolNames.has(name)) {
    throw new InvalidRequestError(
      `Invalid 'tool_choice': function '${clip(name)}' is not one of the functions declared in 'tools'.`,
      "tool_choice.function.name",
    );
  }
}

function validateResponseFormat(format: unknown): void {
  if (format == null) return;
  if (!isObject(format)) throw wrongType("response_format", "an object", format);
  const type = format.type;
  if (type == null) throw missing("response_format.type");
  if (typeof type !== "string" || !RESPONSE_FORMATS.has(type)) {
    throw invalidValue("response_format.type", type, "'text', 'json_object' and 'json_schema'");
  }
  if (type !== "json_schema") return;
  const schema = format.json_schema;
  if (schema == null) throw missing("response_format.json_schema");
  if (!isObject(schema)) throw wrongType("response_format.json_schema", "an object", schema);
  const name = schema.name;
  if (name == null) throw missing("response_format.json_schema.name");
  if (typeof name !== "string") throw wrongType("response_format.json_schema.name", "a string", name);
  if (!FUNCTION_NAME.test(name)) {
    throw new InvalidRequestError(
      "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.",
      "response_format.json_schema.name",
    );
  }
  optionalString(schema, "description", "response_format.json_schema.description");
  const body = schema.schema;
  if (body != null && !isObject(body)) throw wrongType("response_format.json_schema.schema", "an object", body);
  optionalBoolean(schema, "strict", "response_format.json_schema.strict");
}
