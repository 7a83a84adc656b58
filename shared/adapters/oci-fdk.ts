import type { ServerlessRuntime } from "../serverless/serverless-runtime";
import { startupFailureResponse } from "./startup-failure-response";

/** The parts of the FDK's context the adapter uses (`@fnproject/fdk` ships no types). */
export interface FdkContext {
  httpGateway: {
    readonly requestURL: string | null;
    readonly method: string | null;
    readonly headers: Record<string, string[]>;
    statusCode: number;
    setResponseHeader(key: string, ...values: string[]): void;
  };
}

export type FdkResult = { writeResult(ctx: unknown, resp: unknown): unknown };
type RawResult = (body: Buffer | string) => FdkResult;

/**
 * Serves the app behind OCI API Gateway → OCI Functions (FDK http-stream format): the
 * gateway's method, URL and headers come in `Fn-Http-*` headers, status and headers go
 * back the same way. Functions cannot stream, so a streaming request gets its whole SSE
 * body at once, still as `text/event-stream`. Always returns a result object: the FDK
 * crashes on null or undefined.
 */
export function fdkHttpHandler(runtime: () => Promise<ServerlessRuntime>, rawResult: RawResult) {
  return async (input: Buffer, ctx: FdkContext): Promise<FdkResult> => {
    const gateway = ctx.httpGateway;
    const method = (gateway.method ?? "POST").toUpperCase();
    const headers = new Headers();
    for (const [name, values] of Object.entries(gateway.headers)) for (const value of values) headers.append(name, value);
    const request = new Request(new URL(gateway.requestURL ?? "/", "http://oci-functions.invalid"), {
      method,
      headers,
      body: method === "GET" || method === "HEAD" || input.length === 0 ? undefined : new Uint8Array(input),
    });

    let response: Response;
    let current: ServerlessRuntime | undefined;
    try {
      current = await runtime();
      response = await current.app.fetch(request);
    } catch (err) {
      response = startupFailureResponse(err);
    }
    const body = Buffer.from(await response.arrayBuffer());
    await current?.flush();

    gateway.statusCode = response.status;
    response.headers.forEach((value, name) => gateway.setResponseHeader(name, value));
    return rawResult(body);
  };
}
