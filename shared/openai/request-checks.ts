import { clip } from "./clip";
import { InvalidRequestError } from "./errors";

export { clip };

/**
 * Small checks shared by the request validators. Each throws an InvalidRequestError that
 * names the field the way OpenAI does, e.g. "Invalid type for 'temperature': expected a
 * number, but got a string instead."
 */
export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function optionalBoolean(obj: Json, key: string, path = key): void {
  const value = obj[key];
  if (value != null && typeof value !== "boolean") throw wrongType(path, "a boolean", value);
}

export function optionalString(obj: Json, key: string, path = key): void {
  const value = obj[key];
  if (value != null && typeof value !== "string") throw wrongType(path, "a string", value);
}

export function optionalNumber(obj: Json, key: string, min: number, max: number): void {
  const value = obj[key];
  if (value == null) return;
  if (typeof value !== "number" || !Number.isFinite(value)) throw wrongType(key, "a number", value);
  if (value < min) throw new InvalidRequestError(`Invalid '${key}': decimal below minimum value. Expected a value >= ${min}, but got ${value} instead.`, key);
  if (value > max) throw new InvalidRequestError(`Invalid '${key}': decimal above maximum value. Expected a value <= ${max}, but got ${value} instead.`, key);
}

/**
 * An optional whole number within [min, max]. Integers too large to be exact (1e20) are
 * reported against the bound, not as a type error ("expected an integer, got an integer").
 */
export function optionalInteger(obj: Json, key: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const value = obj[key];
  if (value == null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) throw wrongType(key, "an integer", value);
  if (value < min) throw new InvalidRequestError(`Invalid '${key}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`, key);
  if (value > max) throw new InvalidRequestError(`Invalid '${key}': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`, key);
  return value;
}

/**
 * The body as a JSON object with a non-empty string `model`: where every API's request
 * validation starts.
 */
export function modelRequest(body: unknown): Json & { model: string } {
  if (!isObject(body)) throw new InvalidRequestError("The request body must be a JSON object.");
  const model = body.model;
  if (model == null) throw missing("model");
  if (typeof model !== "string") throw wrongType("model", "a string", model);
  if (model.length === 0) throw new InvalidRequestError("Invalid 'model': empty string. Expected a model name.", "model");
  return body as Json & { model: string };
}

/** A required string field `key` of `obj`, named `${path}.${key}` in errors. */
export function requiredString(obj: Json, key: string, path: string, allowEmpty = false): void {
  const value = obj[key];
  if (value == null) throw missing(`${path}.${key}`);
  if (typeof value !== "string") throw wrongType(`${path}.${key}`, "a string", value);
  if (!allowEmpty && value.length === 0) throw new InvalidRequestError(`Invalid '${path}.${key}': empty string.`, `${path}.${key}`);
}

export function missing(path: string): InvalidRequestError {
  return new InvalidRequestError(`Missing required parameter: '${path}'.`, path);
}

export function wrongType(path: string, expected: string, got: unknown): InvalidRequestError {
  return new InvalidRequestError(`Invalid type for '${path}': expected ${expected}, but got ${describe(got)} instead.`, path);
}

export function invalidValue(path: string, got: unknown, supported: string): InvalidRequestError {
  const shown = typeof got === "string" ? `'${clip(got)}'` : describe(got);
  return new InvalidRequestError(`Invalid value for '${path}': ${shown}. Supported values are: ${supported}.`, path);
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "number":
      return Number.isInteger(value) ? "an integer" : Number.isFinite(value) ? "a decimal" : "a non-finite number";
    case "boolean":
      return "a boolean";
    case "object":
      return "an object";
    default:
      return `a value of type ${typeof value}`;
  }
}
