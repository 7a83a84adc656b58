import { ociModelKind } from "../oci/oci-model-kind";
import { isOciModelId } from "./is-oci-model-id";
import { parseEnum } from "./parse-enum";
import { parseInteger } from "./parse-integer";
import { parsePositiveDuration } from "./parse-positive-duration";
import { pickReader } from "./pick-reader";
import type { SectionReader } from "./section-reader";
import type { LoadBalanceStrategy, PoolConfig } from "./types";

const STRATEGIES: readonly LoadBalanceStrategy[] = ["round_robin", "weighted", "least_connections"];

/**
 * Reads the account pool settings (concurrency, queue, retries, balancing, timeouts,
 * health checks); `readers` lists the sections to look in, first wins.
 *
 * @param defaultRetryAttempts 3 with several accounts to fail over to; 1 with a single one.
 * @param models The parsed [MODELS], to check health_check_model against.
 * @example
 *   parsePoolConfig([globalReader], 3, models)
 *   // { globalMaxConcurrency: 200, queueSize: 2000, retryAttempts: 3, strategy: "round_robin", ... }
 */
export function parsePoolConfig(
  readers: readonly SectionReader[],
  defaultRetryAttempts: number,
  models: ReadonlyMap<string, string>,
): PoolConfig {
  const read = <T>(key: string, parse: (text: string) => T, fallback: T): T =>
    pickReader(readers, key).parseOr(key, parse, fallback);
  const healthCheckModel = pickReader(readers, "health_check_model").parse("health_check_model", (text) => {
    const known = models.has(text) || [...models.values()].includes(text);
    if (!known && !isOciModelId(text)) {
      throw new Error(`expected a model name from [MODELS] or an OCI model id, got "${text}"`);
    }
    if (ociModelKind(models.get(text) ?? text) === "rerank") throw new Error(`"${text}" is a rerank model; probes need a chat (or embedding) model`);
    return text;
  });
  return {
    globalMaxConcurrency: read("global_max_concurrency", (text) => parseInteger(text, 0), 0),
    queueSize: read("queue_size", (text) => parseInteger(text, 0), 1000),
    retryAttempts: read("retry_attempts", (text) => parseInteger(text, 1), defaultRetryAttempts),
    strategy: read("load_balance_strategy", (text) => parseEnum(text, STRATEGIES), "round_robin"),
    healthCheckIntervalMs: read("health_check_interval", parsePositiveDuration, 30_000),
    requestTimeoutMs: read("request_timeout", parsePositiveDuration, 60_000),
    streamIdleTimeoutMs: read("stream_idle_timeout", parsePositiveDuration, 120_000),
    nonStreamTimeoutMs: read("non_stream_timeout", parsePositiveDuration, 300_000),
    healthCheckModel,
  };
}
