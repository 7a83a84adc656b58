import type { PoolConfig } from "../config/types";
import { UpstreamFailure } from "../oci/upstream-failure";
import type { Account, AccountPool, Lease, SendOptions, UpstreamCall } from "./types";

/**
 * Round robin over enabled accounts with failover on retryable failures.
 * (The full pool with strategies, breakers and limits replaces this.)
 */
export class FailoverPool implements AccountPool {
  private next = 0;

  constructor(
    readonly accounts: readonly Account[],
    private readonly config: Pick<PoolConfig, "retryAttempts" | "requestTimeoutMs">,
  ) {}

  async send(call: UpstreamCall, options: SendOptions = {}): Promise<Lease> {
    const enabled = this.accounts.filter((a) => a.config.enabled);
    const attempts = Math.min(this.config.retryAttempts, enabled.length);
    let lastFailure: UpstreamFailure | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const account = enabled[this.next++ % enabled.length];
      const controller = new AbortController();
      const onAbort = () => controller.abort();
      options.signal?.addEventListener("abort", onAbort, { once: true });
      try {
        const response = await call(account, controller.signal);
        return {
          account,
          response,
          attempt,
          release: () => options.signal?.removeEventListener("abort", onAbort),
        };
      } catch (err) {
        options.signal?.removeEventListener("abort", onAbort);
        const failure = err instanceof UpstreamFailure ? err : new UpstreamFailure("network", String(err));
        if (!failure.retryable || options.signal?.aborted) throw failure;
        lastFailure = failure;
      }
    }
    throw lastFailure ?? new UpstreamFailure("network", "no enabled account");
  }
}
