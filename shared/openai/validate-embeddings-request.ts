import { InvalidRequestError } from "./errors";
import { invalidValue, isObject, missing, wrongType } from "./request-checks";

export interface EmbeddingsRequest {
  model: string;
  /** Normalised to a list. */
  input: string[];
  encoding_format: "float" | "base64";
}

/** OpenAI accepts up to 2048 inputs per request; the proxy splits them into OCI's batches of 96. */
const MAX_INPUTS = 2048;

/**
 * Checks an Embeddings request (`{model, input: string | string[], encoding_format?}`).
 * Token-id inputs (arrays of integers) are OpenAI-tokenizer specific and are refused.
 *
 * @example
 *   validateEmbeddingsRequest({ model: "embed", input: "hello" }).input // ["hello"]
 */
export function validateEmbeddingsRequest(body: unknown): EmbeddingsRequest {
  if (!isObject(body)) throw new InvalidRequestError("The request body must be a JSON object.");
  const { model, input, encoding_format: format } = body;
  if (model == null) throw missing("model");
  if (typeof model !== "string" || model === "") throw wrongType("model", "a model name", model);
  if (input == null) throw missing("input");
  const inputs = typeof input === "string" ? [input] : input;
  if (!Array.isArray(inputs)) throw wrongType("input", "a string or an array of strings", input);
  if (inputs.length === 0) throw new InvalidRequestError("Invalid 'input': empty array. Expected at least one string.", "input");
  if (inputs.length > MAX_INPUTS) throw new InvalidRequestError(`Invalid 'input': at most ${MAX_INPUTS} inputs per request, got ${inputs.length}.`, "input");
  for (let i = 0; i < inputs.length; i++) {
    const item: unknown = inputs[i];
    if (typeof item !== "string") {
      throw wrongType(`input[${i}]`, "a string (token arrays are not supported: send text)", item);
    }
    if (item.length === 0) throw new InvalidRequestError(`Invalid 'input[${i}]': empty string.`, `input[${i}]`);
  }
  if (format != null && format !== "float" && format !== "base64") throw invalidValue("encoding_format", format, "'float' and 'base64'");
  if (body.dimensions != null) {
    // OCI's embedding models have fixed sizes and were not trained to be cut short.
    throw new InvalidRequestError("'dimensions' is not supported: OCI embedding models return their native size.", "dimensions", "unsupported_parameter");
  }
  return { model, input: inputs as string[], encoding_format: format === "base64" ? "base64" : "float" };
}
