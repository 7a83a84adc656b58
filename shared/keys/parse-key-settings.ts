import { InvalidRequestError } from "../openai/errors";
import { clip, invalidValue, isObject, missing, optionalInteger, wrongType, type Json } from "../openai/request-checks";
import type { KeySettings } from "./team-key";

export interface ParseKeySettingsOptions {
  /** Clock reading: `expires_at` must be later. */
  now: number;
  /** The configured model names; when given, `models` may name only these. */
  knownModels?: ReadonlySet<string>;
}

const FIELDS = new Set(["name", "models", "rpm", "tpm", "daily_tokens", "expires_at"]);
const MAX_NAME = 100;
const MAX_MODELS = 256;
/** `2025-07-01`, or a date-time with an explicit zone: `2025-07-01T12:00:00Z`, `…+02:00`. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/**
 * The body of `POST /admin/keys` as settings: `name` required; `models`, `rpm`, `tpm`,
 * `daily_tokens`, `expires_at` optional (absent or null: no limit).
 *
 * @throws InvalidRequestError (400) naming the field, for anything else.
 * @example
 *   parseNewKeySettings({ name: "ci", models: ["grok-4"], rpm: 60 }, { now: Date.now() })
 *   // { name: "ci", models: ["grok-4"], rpm: 60, tpm: null, dailyTokens: null, expiresAt: null }
 */
export function parseNewKeySettings(body: unknown, options: ParseKeySettingsOptions): KeySettings {
  const changes = parseKeyChanges(body, options, true);
  return { models: null, rpm: null, tpm: null, dailyTokens: null, expiresAt: null, ...changes } as KeySettings;
}

/**
 * The body of `PATCH /admin/keys/{id}`: only the fields present change; null clears a limit.
 *
 * @throws InvalidRequestError (400) for an empty or invalid body.
 */
export function parseKeyChanges(body: unknown, options: ParseKeySettingsOptions, creating = false): Partial<KeySettings> {
  if (!isObject(body)) throw new InvalidRequestError("The request body must be a JSON object.");
  for (const field of Object.keys(body)) {
    if (!FIELDS.has(field)) {
      throw new InvalidRequestError(`Unrecognized request argument supplied: ${clip(field)}. Known: ${[...FIELDS].join(", ")}.`, clip(field));
    }
  }
  const changes: Partial<KeySettings> = {};
  if (body.name !== undefined || creating) changes.name = parseName(body);
  if (body.models !== undefined) changes.models = parseModels(body.models, options.knownModels);
  for (const [field, setting] of [["rpm", "rpm"], ["tpm", "tpm"], ["daily_tokens", "dailyTokens"]] as const) {
    if (body[field] !== undefined) changes[setting] = body[field] === null ? null : optionalInteger(body, field, 1)!;
  }
  if (body.expires_at !== undefined) changes.expiresAt = parseExpiry(body.expires_at, options.now);
  if (!creating && Object.keys(changes).length === 0) {
    throw new InvalidRequestError(`Nothing to change: send at least one of ${[...FIELDS].join(", ")}.`);
  }
  return changes;
}

function parseName(body: Json): string {
  const value = body.name;
  if (value === undefined || value === null) throw missing("name");
  if (typeof value !== "string") throw wrongType("name", "a string", value);
  const name = value.trim();
  if (name.length === 0 || name.length > MAX_NAME) throw new InvalidRequestError(`Invalid 'name': expected 1 to ${MAX_NAME} characters.`, "name");
  // Names are shown in listings and terminals: no control characters.
  if (/\p{Cc}/u.test(name)) throw new InvalidRequestError("Invalid 'name': control characters are not allowed.", "name");
  return name;
}

function parseModels(value: unknown, known: ReadonlySet<string> | undefined): string[] | null {
  if (value === null) return null;
  if (!Array.isArray(value)) throw wrongType("models", "an array of model names (or null for every model)", value);
  if (value.length === 0) throw new InvalidRequestError("Invalid 'models': empty. Omit it or send null to allow every model; revoke a key to stop it.", "models");
  if (value.length > MAX_MODELS) throw new InvalidRequestError(`Invalid 'models': at most ${MAX_MODELS} names.`, "models");
  const models = new Set<string>();
  value.forEach((model, i) => {
    const path = `models[${i}]`;
    if (typeof model !== "string") throw wrongType(path, "a string", model);
    if (known && !known.has(model)) throw invalidValue(path, model, [...known].join(", "));
    if (!known && (model.length === 0 || model.length > 256)) throw new InvalidRequestError(`Invalid '${path}': expected 1 to 256 characters.`, path);
    models.add(model);
  });
  return [...models];
}

function parseExpiry(value: unknown, now: number): number | null {
  if (value === null) return null;
  if (typeof value !== "string") throw wrongType("expires_at", "an ISO 8601 time such as 2026-01-31T00:00:00Z", value);
  const at = ISO_TIME.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) {
    throw new InvalidRequestError(`Invalid 'expires_at': '${clip(value)}'. Expected an ISO 8601 date or a time with a zone, e.g. 2026-01-31 or 2026-01-31T18:00:00Z.`, "expires_at");
  }
  if (at <= now) throw new InvalidRequestError(`Invalid 'expires_at': ${new Date(at).toISOString()} is not in the future.`, "expires_at");
  return at;
}
