import { parseFailureRate } from "./parse-failure-rate";
import { parseInteger } from "./parse-integer";
import { parsePositiveDuration } from "./parse-positive-duration";
import type { SectionReader } from "./section-reader";
import type { CircuitBreakerConfig } from "./types";

/**
 * Reads `[CIRCUIT_BREAKER]`; every key is optional.
 *
 * @example
 *   parseBreakerConfig(reader)
 *   // { maxFailures: 5, resetTimeoutMs: 60000, failureRate: 0.6, minRequests: 10, windowMs: 60000, halfOpenProbes: 1 }
 */
export function parseBreakerConfig(reader: SectionReader): CircuitBreakerConfig {
  const positive = (text: string) => parseInteger(text, 1);
  return {
    maxFailures: reader.parseOr("max_failures", positive, 5),
    resetTimeoutMs: reader.parseOr("reset_timeout", parsePositiveDuration, 60_000),
    failureRate: reader.parseOr("failure_rate", parseFailureRate, 0.6),
    minRequests: reader.parseOr("min_requests", positive, 10),
    windowMs: reader.parseOr("window", parsePositiveDuration, 60_000),
    halfOpenProbes: reader.parseOr("half_open_probes", positive, 1),
  };
}
