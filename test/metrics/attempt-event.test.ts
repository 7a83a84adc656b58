/** The pool's attempt event as a metric label and a span record. */
import { attemptRecord, type AttemptEvent } from "../../shared/metrics/attempt-event";
import { attemptOutcome } from "../../shared/metrics/metric-labels";
import { UpstreamFailure } from "../../shared/oci/upstream-failure";
import type { Account } from "../../shared/pool/types";

const account = (baseUrl: string) => ({ config: { id: "acct1" }, client: { baseUrl } }) as unknown as Account;

test.each([
  [{ ok: true, latencyMs: 1 }, "ok"],
  [{ ok: "cancelled" }, "cancelled"],
  [{ ok: false, failure: new UpstreamFailure("rate_limited", "429", { status: 429 }) }, "rate_limited"],
  [{ ok: false, failure: new UpstreamFailure("auth", "401", { status: 401 }) }, "auth"],
  [{ ok: false, failure: new UpstreamFailure("timeout", "slow") }, "timeout"],
  [{ ok: false, failure: new UpstreamFailure("client", "400", { status: 400 }) }, "client_error"],
  [{ ok: false, failure: new UpstreamFailure("server", "500", { status: 500 }) }, "error"],
  [{ ok: false, failure: new UpstreamFailure("network", "reset") }, "error"],
  [{ ok: false, failure: new UpstreamFailure("protocol", "not json") }, "error"],
] as const)("%j → %s", (outcome, label) => {
  expect(attemptOutcome(outcome as AttemptEvent["outcome"])).toBe(label);
});

test("a failed attempt's record carries OCI's status and request id, and the endpoint's host and port", () => {
  const failure = new UpstreamFailure("rate_limited", "Too many requests", { status: 429, opcRequestId: "opc-1", retryAfterMs: 1000 });
  expect(attemptRecord({ account: account("https://inference.generativeai.us-chicago-1.oci.oraclecloud.com"), attempt: 1, outcome: { ok: false, failure }, startedAt: 10, endedAt: 25 })).toEqual({
    account: "acct1",
    attempt: 1,
    outcome: "rate_limited",
    startedAt: 10,
    endedAt: 25,
    status: 429,
    opcRequestId: "opc-1",
    serverAddress: "inference.generativeai.us-chicago-1.oci.oraclecloud.com",
    serverPort: 443,
  });
  const ok = attemptRecord({ account: account("http://127.0.0.1:9100"), attempt: 2, outcome: { ok: true, latencyMs: 5 }, startedAt: 30, endedAt: 35, status: 200 });
  expect(ok).toMatchObject({ outcome: "ok", status: 200, serverAddress: "127.0.0.1", serverPort: 9100 });
});
