import type { Endpoint } from "./metric-labels";

/**
 * One finished request as the serverless metric lines describe it. Only configured names
 * and numbers: `model` is a [MODELS] name ("" when the request named none that is
 * configured), `account` an account id.
 */
export interface RequestRecord {
  endpoint: Endpoint;
  model: string;
  account?: string;
  status: number;
  durationMs: number;
  /** Streams: time to the first token sent to the client. */
  ttftMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  /** Upstream attempts made (retries included). */
  attempts?: number;
}

/** Whether a request counts as failed on dashboards: the proxy answered 429 or 5xx. */
export function isFailedStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Milliseconds (or counts) to one decimal, as the lines print them. */
export function roundTenth(n: number): number {
  return Math.round(n * 10) / 10;
}
