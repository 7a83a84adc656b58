import type { MiddlewareHandler } from "hono";
import { AuthenticationError } from "../openai/errors";
import { constantTimeEquals } from "./constant-time-equals";

/**
 * Bearer auth as OpenAI clients send it. `x-api-key` is accepted too (some clients,
 * e.g. Anthropic-style tools, only know that header).
 */
export function requireApiKey(apiKey: string): MiddlewareHandler {
  return async (c, next) => {
    const given = bearerToken(c.req.header("authorization")) ?? c.req.header("x-api-key");
    if (given === undefined) throw new AuthenticationError("Missing API key. Send it as 'Authorization: Bearer <key>'.");
    if (!constantTimeEquals(given, apiKey)) throw new AuthenticationError();
    await next();
  };
}

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match ? match[1].trim() : undefined;
}
