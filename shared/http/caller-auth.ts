import { createHash, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { TEAM_KEY_PREFIX } from "../keys/key-material";
import type { TeamKey } from "../keys/key-registry";
import { KeyRefusedError } from "../keys/key-refusal";
import { toOpenAIKeyError } from "../keys/key-refusal-to-openai";
import type { TeamKeys } from "../keys/team-keys";
import { AuthenticationError, OpenAIError } from "../openai/errors";
import { isAnthropicRequest } from "./is-anthropic-request";
import type { RequestLog } from "./request-log";

export interface CallerAuth {
  /**
   * The model endpoints: the admin key, or a live team key, which is then set as the
   * request's `teamKey` (and its id logged as `key_id`).
   */
  models: MiddlewareHandler;
  /** /admin/*, /stats/*, /test-oci: the admin key only; a live team key gets a 403 that says why. */
  admin: MiddlewareHandler;
  /**
   * Who a token is: undefined for the admin key (synchronously: the admin path never waits),
   * else a promise of the live team key it is.
   *
   * @throws OpenAIError 401 invalid_api_key for a token that cannot be a key; the promise
   *   rejects with KeyRefusedError (invalid_key, unavailable).
   */
  identify(token: string): TeamKey | Promise<TeamKey> | undefined;
}

/**
 * The 401 messages of each door: each names first the header its clients send (OpenAI's
 * SDKs `Authorization: Bearer`, Anthropic's and Claude Code `x-api-key`), then the other one
 * the proxy also takes. Built once.
 */
const UNAUTHORIZED = {
  openai: unauthorizedMessages("'Authorization: Bearer <key>' (or 'x-api-key: <key>')"),
  anthropic: unauthorizedMessages("'x-api-key: <key>' (or 'Authorization: Bearer <key>')"),
};

function unauthorizedMessages(send: string) {
  return { missing: `Missing API key. Send it as ${send}.`, invalid: `Invalid API key. Send the proxy's api_key or a team key as ${send}.` };
}

/** The 401 for this request's door: the key is missing, or is no key the proxy knows. */
function unauthorized(c: Context, why: "missing" | "invalid"): AuthenticationError {
  return new AuthenticationError(UNAUTHORIZED[isAnthropicRequest(c) ? "anthropic" : "openai"][why]);
}

/**
 * Authentication for every route. Each token is hashed once (SHA-256): the digest is
 * compared with the admin key's in constant time, and is the team-key registry's lookup
 * key, so a team key costs one map lookup in the instance's cached view. Only tokens that
 * look like team keys (`sk-oci-`) are looked up at all.
 *
 * @example
 *   const auth = callerAuth(config.apiKey, teamKeys);
 *   app.use("/admin/*", auth.admin);
 *   app.post("/v1/chat/completions", auth.models, chat);
 */
export function callerAuth(adminKey: string, teamKeys: TeamKeys): CallerAuth {
  const adminDigest = sha256(adminKey);

  /** As {@link CallerAuth.identify}, but null for a token that cannot be a key (the caller words the 401). */
  const lookUp = (token: string): TeamKey | Promise<TeamKey> | undefined | null => {
    const digest = sha256(token);
    if (timingSafeEqual(digest, adminDigest)) return undefined;
    if (!token.startsWith(TEAM_KEY_PREFIX)) return null;
    return teamKeys.authenticateHash(digest.toString("hex"));
  };
  /** The caller behind a request's key; throws its door's 401 when there is none. */
  const callerOf = (c: Context): TeamKey | Promise<TeamKey> | undefined => {
    const caller = lookUp(tokenOf(c));
    if (caller === null) throw unauthorized(c, "invalid");
    return caller;
  };

  /** The team key a non-admin caller is, or the client's error. */
  const settle = async (c: Context, caller: TeamKey | Promise<TeamKey>): Promise<TeamKey> => {
    try {
      return await caller;
    } catch (err) {
      if (!(err instanceof KeyRefusedError)) throw err;
      // A known key that is revoked or expired: the log says whose.
      const { refusal } = err;
      if ("keyId" in refusal && refusal.keyId) (c.get("requestLog") as RequestLog).setCaller(refusal.keyId);
      // A key nobody issued is as wrong as any other token; revoked and expired ones say so.
      if (refusal.kind === "invalid_key" && refusal.why === "unknown") throw unauthorized(c, "invalid");
      throw toOpenAIKeyError(refusal, err.message);
    }
  };

  return {
    identify: (token) => {
      const caller = lookUp(token);
      if (caller === null) throw new AuthenticationError(UNAUTHORIZED.openai.invalid);
      return caller;
    },
    // The admin key goes straight to next(): no promise of its own on the hot path.
    models: async (c, next) => {
      const caller = callerOf(c);
      if (caller === undefined) {
        (c.get("requestLog") as RequestLog).setCaller(undefined);
      } else {
        const key = await settle(c, caller);
        c.set("teamKey", key);
        (c.get("requestLog") as RequestLog).setCaller(key.id);
      }
      await next();
    },
    admin: async (c, next) => {
      const caller = callerOf(c);
      if (caller !== undefined) {
        const key = await settle(c, caller);
        (c.get("requestLog") as RequestLog).setCaller(key.id);
        throw new OpenAIError(
          403,
          "This endpoint needs the admin key (the proxy's api_key). Team keys may call only the model endpoints " +
            "(/v1/chat/completions, /v1/embeddings, /v1/responses, /v1/messages, /v1/models) and /health.",
          "permission_error",
          null,
          "admin_key_required",
        );
      }
      await next();
    },
  };
}

/** The team key a request was authenticated with; undefined for the admin key (and unauthenticated routes). */
export function teamKeyOf(c: Context): TeamKey | undefined {
  return c.get("teamKey") as TeamKey | undefined;
}

/** `Authorization: Bearer <key>` as OpenAI clients send it, else `x-api-key` as Anthropic clients do. */
function tokenOf(c: Context): string {
  const token = bearerToken(c.req.header("authorization")) ?? c.req.header("x-api-key");
  if (token === undefined) throw unauthorized(c, "missing");
  return token;
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1].trim() : undefined;
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
