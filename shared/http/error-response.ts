import { toOpenAIError } from "../openai/errors";

/** Renders anything thrown as an OpenAI-style error response. */
export function errorResponse(err: unknown, extraHeaders?: Record<string, string>): Response {
  const error = toOpenAIError(err);
  return new Response(JSON.stringify(error.toJSON()), {
    status: error.status,
    headers: { "content-type": "application/json", ...error.headers, ...extraHeaders },
  });
}
