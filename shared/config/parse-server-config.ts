import { MAX_OUTPUT_TOKENS } from "../openai/max-output-tokens";
import { parseBool } from "./parse-bool";
import { parseByteSize } from "./parse-byte-size";
import { parseDuration } from "./parse-duration";
import { parseInteger } from "./parse-integer";
import { parseOriginList } from "./parse-origin-list";
import { parseRetention } from "./parse-retention";
import { parsePositiveDuration } from "./parse-positive-duration";
import { pickReader } from "./pick-reader";
import type { SectionReader } from "./section-reader";
import type { ServerConfig } from "./types";

/**
 * Reads the HTTP-facing settings. They live in `[GLOBAL]` (multi-account) or in
 * `[DEFAULT]`/`[GLOBAL]` (single-account); `readers` lists the sections to look in, first wins.
 *
 * @example
 *   parseServerConfig([globalReader])
 *   // { forceNonStream: false, defaultMaxTokens: 4000, keepAliveIntervalMs: 15000, corsOrigins: ["*"], ... }
 */
export function parseServerConfig(readers: readonly SectionReader[]): ServerConfig {
  const read = <T>(key: string, parse: (text: string) => T, fallback: T): T =>
    pickReader(readers, key).parseOr(key, parse, fallback);
  return {
    forceNonStream: read("force_non_stream", parseBool, false),
    defaultMaxTokens: read("default_max_tokens", (text) => parseInteger(text, 1, MAX_OUTPUT_TOKENS), 4000),
    keepAliveIntervalMs: read("keep_alive_interval", parseDuration, 15_000),
    corsOrigins: read("cors_origins", parseOriginList, ["*"]),
    maxBodyBytes: read("max_body_size", parseByteSize, 10 * 1024 * 1024),
    statsPublic: read("stats_public", parseBool, false),
    responsesTtlMs: read("responses_ttl", parseRetention, 30 * 86_400_000),
    clientTimeoutMs: read("client_timeout", parsePositiveDuration, 30_000),
    maxConnections: read("max_connections", (text) => parseInteger(text, 0), 4096),
  };
}
