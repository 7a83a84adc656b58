/**
 * Runs `flush` once the response body has been fully produced (or right away when there is
 * no body). Serverless invocations use it to finish shared-state writes before they end,
 * without delaying the first byte.
 */
export function flushAfterResponse(response: Response, flush: () => Promise<void>): Promise<Response> | Response {
  if (!response.body) return flush().then(() => response);
  const body = response.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async flush() {
        await flush();
      },
    }),
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
