import type { Context } from "hono";
import type { ServerResponse } from "node:http";
import type { ClientSignal } from "../pool/types";

/**
 * Aborts when the client's connection closes before its answer was fully written. It is
 * the Node server's signal without what an AbortSignal costs per request (an
 * AbortController, listener bookkeeping in Node's internals): a flag and a list.
 */
class ConnectionSignal implements ClientSignal {
  aborted = false;
  reason: unknown;
  private listeners: (() => void)[] | undefined;

  constructor(outgoing: ServerResponse) {
    outgoing.once("close", () => {
      if (!outgoing.writableFinished) this.abort();
    });
  }

  addEventListener(_type: "abort", listener: () => void): void {
    if (this.aborted) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: "abort", listener: () => void): void {
    const listeners = this.listeners;
    if (!listeners) return;
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  }

  private abort(): void {
    this.aborted = true;
    this.reason = new Error("Client connection prematurely closed.");
    const listeners = this.listeners;
    this.listeners = undefined;
    // Every listener runs once (as with `{ once: true }`), in the order they were added.
    for (const listener of listeners ?? []) listener();
  }
}

/**
 * The signal that tells a request's upstream calls its client has gone: on the Node server
 * a {@link ConnectionSignal} on the response, elsewhere (Lambda, OCI Functions) the web
 * Request's own signal.
 *
 * @example
 *   await pool.send(call, { signal: clientSignal(c) });
 */
export function clientSignal(c: Context): ClientSignal {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  return outgoing ? new ConnectionSignal(outgoing) : c.req.raw.signal;
}
