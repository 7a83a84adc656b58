import { handle, streamHandle } from "hono/aws-lambda";
import type { Hono } from "hono";
import type { ServerlessRuntime } from "../serverless/serverless-runtime";
import { startupFailureResponse } from "./startup-failure-response";
import { flushAfterResponse } from "./flush-after-response";

/**
 * The app of a lazily built runtime, as an object Hono's Lambda adapters can drive. A
 * failed cold start answers a 500 in OpenAI's error shape instead of crashing.
 */
function lazyApp(runtime: () => Promise<ServerlessRuntime>): Hono {
  const app = {
    async fetch(request: Request, env?: unknown) {
      let current: ServerlessRuntime;
      try {
        current = await runtime();
      } catch (err) {
        return startupFailureResponse(err);
      }
      const response = await current.app.fetch(request, env);
      return flushAfterResponse(response, current.flush);
    },
  };
  return app as unknown as Hono;
}

/**
 * A Lambda handler with response streaming (`awslambda.streamifyResponse`): works behind
 * API Gateway REST with `responseTransferMode = STREAM` (v1 events) and Function URLs with
 * `RESPONSE_STREAM` (v2 events). Status and headers go first, so errors before the first
 * byte keep their real status codes.
 */
export function streamingLambdaHandler(runtime: () => Promise<ServerlessRuntime>) {
  return streamHandle(lazyApp(runtime));
}

/** A buffered Lambda handler (API Gateway v1/v2, Function URLs) for the non-streaming routes. */
export function bufferedLambdaHandler(runtime: () => Promise<ServerlessRuntime>) {
  return handle(lazyApp(runtime));
}
