import { InvalidRequestError } from "../openai/errors";
import { MAX_OUTPUT_TOKENS } from "../openai/max-output-tokens";
import {
  invalidValue,
  isObject,
  missing,
  modelRequest,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalString,
  requiredString,
  wrongType,
  type Json,
} from "../openai/request-checks";
import type { ResponsesRequest } from "./responses-types";

const ROLES = new Set(["user", "assistant", "system", "developer"]);
const ROLE_LIST = "'user', 'assistant', 'system' and 'developer'";
const EFFORTS = new Set(["none", "minimal", "low", "medium", "high", "xhigh"]);
const FORMATS = new Set(["text", "json_object", "json_schema"]);
const DETAILS = new Set(["auto", "low", "high"]);
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * Checks a parsed JSON body against the Responses API request schema and returns it typed.
 * Errors name the field the way OpenAI does (`input[2].content[0].type`). Unknown fields
 * and unknown tool types are accepted (the translator drops tools OCI cannot run);
 * unknown input item types are accepted here and refused by the translator only when
 * they carry something it would have to drop silently.
 *
 * @example
 *   const req = validateResponsesRequest({ model: "grok-4", input: "Hello" });
 *   req.input; // "Hello"
 */
export function validateResponsesRequest(body: unknown): ResponsesRequest {
  try {
    return validate(body);
  } catch (err) {
    if (err instanceof InvalidRequestError) throw err;
    throw new InvalidRequestError("The request body could not be read as a Responses API request.");
  }
}

function validate(raw: unknown): ResponsesRequest {
  const body = modelRequest(raw);

  const input = body.input;
  if (input == null) throw missing("input");
  if (typeof input !== "string") {
    if (!Array.isArray(input)) throw wrongType("input", "a string or an array of input items", input);
    for (let i = 0; i < input.length; i++) validateItem(input[i], `input[${i}]`);
  }

  optionalString(body, "instructions");
  optionalString(body, "previous_response_id");
  optionalString(body, "user");
  optionalString(body, "truncation");
  optionalBoolean(body, "stream");
  optionalBoolean(body, "store");
  optionalBoolean(body, "parallel_tool_calls");
  optionalBoolean(body, "background");
  if (body.background === true) {
    throw new InvalidRequestError("Background responses are not supported by this proxy; send 'background': false.", "background");
  }
  optionalInteger(body, "max_output_tokens", 1, MAX_OUTPUT_TOKENS);
  optionalNumber(body, "temperature", 0, 2);
  optionalNumber(body, "top_p", 0, 1);
  if (body.metadata != null && !isObject(body.metadata)) throw wrongType("metadata", "an object", body.metadata);
  if (body.conversation != null) {
    throw new InvalidRequestError("The Conversations API is not supported by this proxy; use 'previous_response_id'.", "conversation");
  }
  if (body.prompt != null) throw new InvalidRequestError("Prompt templates are not supported by this proxy.", "prompt");

  validateTools(body.tools);
  validateToolChoice(body.tool_choice);
  validateText(body.text);
  validateReasoning(body.reasoning);
  return body as unknown as ResponsesRequest;
}

function validateItem(item: unknown, path: string): void {
  if (!isObject(item)) throw wrongType(path, "an object", item);
  const type = item.type;
  if (type != null && typeof type !== "string") throw wrongType(`${path}.type`, "a string", type);
  switch (type ?? "message") {
    case "message":
      return validateMessage(item, path);
    case "function_call":
      requiredString(item, "call_id", path);
      requiredString(item, "name", path);
      requiredString(item, "arguments", path, true);
      return;
    case "function_call_output": {
      requiredString(item, "call_id", path);
      const output = item.output;
      if (output == null) throw missing(`${path}.output`);
      if (typeof output === "string") return;
      if (!Array.isArray(output)) throw wrongType(`${path}.output`, "a string or an array of content parts", output);
      for (let j = 0; j < output.length; j++) validatePart(output[j], `${path}.output[${j}]`, "user");
      return;
    }
    case "reasoning": {
      const summary = item.summary;
      if (summary != null && !Array.isArray(summary)) throw wrongType(`${path}.summary`, "an array", summary);
      return;
    }
    default:
      return;
  }
}

function validateMessage(item: Json, path: string): void {
  const role = item.role;
  if (role == null) throw missing(`${path}.role`);
  if (typeof role !== "string" || !ROLES.has(role)) throw invalidValue(`${path}.role`, role, ROLE_LIST);
  const content = item.content;
  if (content == null) throw missing(`${path}.content`);
  if (typeof content === "string") return;
  if (!Array.isArray(content)) throw wrongType(`${path}.content`, "a string or an array of content parts", content);
  for (let j = 0; j < content.length; j++) validatePart(content[j], `${path}.content[${j}]`, role);
}

function validatePart(part: unknown, path: string, role: string): void {
  if (!isObject(part)) throw wrongType(path, "an object", part);
  const type = part.type;
  if (type == null) throw missing(`${path}.type`);
  switch (type) {
    case "input_text":
    case "output_text":
      requiredString(part, "text", path, true);
      return;
    case "refusal":
      requiredString(part, "refusal", path, true);
      return;
    case "input_image": {
      if (role === "assistant") throw invalidValue(`${path}.type`, type, "'output_text' and 'refusal'");
      if (part.file_id != null) {
        throw new InvalidRequestError(`Invalid '${path}.file_id': the Files API is not supported by this proxy; send 'image_url' (an http(s) or data URL).`, `${path}.file_id`);
      }
      const url = part.image_url;
      if (url == null) throw missing(`${path}.image_url`);
      if (typeof url !== "string") throw wrongType(`${path}.image_url`, "a string", url);
      if (url.length === 0) throw new InvalidRequestError(`Invalid '${path}.image_url': empty string.`, `${path}.image_url`);
      const detail = part.detail;
      if (detail != null && !(typeof detail === "string" && DETAILS.has(detail))) throw invalidValue(`${path}.detail`, detail, "'auto', 'low' and 'high'");
      return;
    }
    case "input_file":
      throw new InvalidRequestError(`Invalid '${path}.type': 'input_file' is not supported by this proxy (OCI models take text and images).`, `${path}.type`);
    default:
      throw invalidValue(`${path}.type`, type, "'input_text', 'input_image', 'output_text' and 'refusal'");
  }
}

function validateTools(tools: unknown): void {
  if (tools == null) return;
  if (!Array.isArray(tools)) throw wrongType("tools", "an array", tools);
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    const path = `tools[${i}]`;
    if (!isObject(tool)) throw wrongType(path, "an object", tool);
    if (tool.type == null) throw missing(`${path}.type`);
    if (typeof tool.type !== "string") throw wrongType(`${path}.type`, "a string", tool.type);
    if (tool.type !== "function") continue;
    const name = tool.name;
    if (name == null) throw missing(`${path}.name`);
    if (typeof name !== "string") throw wrongType(`${path}.name`, "a string", name);
    if (!FUNCTION_NAME.test(name)) {
      throw new InvalidRequestError(
        `Invalid '${path}.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.`,
        `${path}.name`,
      );
    }
    optionalString(tool, "description", `${path}.description`);
    if (tool.parameters != null && !isObject(tool.parameters)) throw wrongType(`${path}.parameters`, "an object", tool.parameters);
    optionalBoolean(tool, "strict", `${path}.strict`);
  }
}

function validateToolChoice(choice: unknown): void {
  if (choice == null) return;
  if (typeof choice === "string") {
    if (choice !== "auto" && choice !== "none" && choice !== "required") throw invalidValue("tool_choice", choice, "'auto', 'none' and 'required'");
    return;
  }
  if (!isObject(choice)) throw wrongType("tool_choice", "a string or an object", choice);
  if (typeof choice.type !== "string") throw choice.type == null ? missing("tool_choice.type") : wrongType("tool_choice.type", "a string", choice.type);
  if (choice.type === "function") requiredString(choice, "name", "tool_choice");
  if (choice.type === "allowed_tools") {
    if (choice.mode !== "auto" && choice.mode !== "required") throw invalidValue("tool_choice.mode", choice.mode, "'auto' and 'required'");
    if (!Array.isArray(choice.tools)) throw wrongType("tool_choice.tools", "an array", choice.tools);
    choice.tools.forEach((tool, i) => {
      if (!isObject(tool)) throw wrongType(`tool_choice.tools[${i}]`, "an object", tool);
    });
  }
}

function validateText(text: unknown): void {
  if (text == null) return;
  if (!isObject(text)) throw wrongType("text", "an object", text);
  const format = text.format;
  if (format == null) return;
  if (!isObject(format)) throw wrongType("text.format", "an object", format);
  const type = format.type;
  if (type == null) throw missing("text.format.type");
  if (typeof type !== "string" || !FORMATS.has(type)) throw invalidValue("text.format.type", type, "'text', 'json_object' and 'json_schema'");
  if (type !== "json_schema") return;
  const name = format.name;
  if (name == null) throw missing("text.format.name");
  if (typeof name !== "string") throw wrongType("text.format.name", "a string", name);
  if (!FUNCTION_NAME.test(name)) {
    throw new InvalidRequestError(
      "Invalid 'text.format.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.",
      "text.format.name",
    );
  }
  if (format.schema == null) throw missing("text.format.schema");
  if (!isObject(format.schema)) throw wrongType("text.format.schema", "an object", format.schema);
  optionalString(format, "description", "text.format.description");
  optionalBoolean(format, "strict", "text.format.strict");
}

function validateReasoning(reasoning: unknown): void {
  if (reasoning == null) return;
  if (!isObject(reasoning)) throw wrongType("reasoning", "an object", reasoning);
  const effort = reasoning.effort;
  if (effort != null && !(typeof effort === "string" && EFFORTS.has(effort))) {
    throw invalidValue("reasoning.effort", effort, "'none', 'minimal', 'low', 'medium', 'high' and 'xhigh'");
  }
  optionalString(reasoning, "summary", "reasoning.summary");
}

