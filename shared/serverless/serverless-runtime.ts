import { join } from "node:path";
import { isMultiAccountFile } from "../config/check-config-file";
import { loadConfig } from "../config/load-config";
import { stateCacheMs } from "../config/state-cache-ms";
import type { ProxyConfig } from "../config/types";
import { createApp } from "../http/create-app";
import { TeamKeys } from "../keys/team-keys";
import type { SlowAnswerPolicy } from "../http/keep-slow-answers-alive";
import { loggerFromEnv, type Logger } from "../log/logger";
import { AccountPool } from "../pool/account-pool";
import { systemClock } from "../pool/clock";
import { createAccounts } from "../pool/create-accounts";
import { SharedPoolState } from "../pool/shared-pool-state";
import type { RequestLineFormat } from "../metrics/request-line-writer";
import { MemoryStateStore } from "../state/memory-state-store";
import { ResponseStore } from "../state/response-store";
import type { ProxyTracer } from "../tracing/proxy-tracer";
import { startTracing } from "../tracing/start-tracing";
import { createStateStoreFromEnv } from "./create-state-store";
import { parseSecretMap, type SecretSource } from "./secret-source";

export interface ServerlessRuntime {
  config: ProxyConfig;
  pool: AccountPool;
  app: ReturnType<typeof createApp>;
  logger: Logger;
  /** Only when OTEL_* turned tracing on. */
  tracer?: ProxyTracer;
  teamKeys: TeamKeys;
  /**
   * What must be written before an invocation ends (its process may be frozen right after):
   * shared-state writes (pool counters, team keys' usage) and the invocation's spans.
   */
  flush(): Promise<void>;
}

export interface RuntimeEnvironment {
  env: NodeJS.ProcessEnv;
  /** Folder of the function bundle: the default config.conf sits there. */
  bundleDir: string;
  secrets: SecretSource;
  /** Env variable holding the API key's secret reference (ARN on AWS, OCID on OCI). */
  apiKeySecretVariable: string;
  /**
   * false for functions no client calls (health-check, test-oci): the stacks give them no
   * API key secret, so a config without a literal key must not stop their cold start.
   * Default true: a client-facing function without a key refuses to start.
   */
  servesClients?: boolean;
  /**
   * Behind AWS API Gateway's response streaming: commit and pad answers that keep the
   * client waiting (keepSlowAnswersAlive). OCIAI_PAD_AFTER_MS / OCIAI_PAD_EVERY_MS tune it.
   */
  slowAnswers?: SlowAnswerPolicy;
  /**
   * Each request's line: "emf" on Lambda (CloudWatch turns it into metrics), "oci" on OCI
   * Functions (flat JSON for OCI Logging). Default "log".
   */
  requestLines?: RequestLineFormat;
}

/**
 * Everything a function needs, built once per cold start: the config (from
 * `OCIAI_CONFIG_FILE`, keys from the secret store), one client per account, the pool
 * sharing its state through the configured store, and the HTTP app.
 */
export async function createServerlessRuntime({ env, bundleDir, secrets, apiKeySecretVariable, servesClients = true, slowAnswers, requestLines }: RuntimeEnvironment): Promise<ServerlessRuntime> {
  const logger = loggerFromEnv(env, "json");
  const configFile = env.OCIAI_CONFIG_FILE ?? join(bundleDir, "config.conf");
  const keySecrets = parseSecretMap(env.OCIAI_ACCOUNT_KEY_SECRETS, "OCIAI_ACCOUNT_KEY_SECRETS");
  const apiKeyRef = env[apiKeySecretVariable];

  const [apiKey, keys, store, tracer] = await Promise.all([
    apiKeyRef ? secrets.get(apiKeyRef).then((key) => key.trim()) : undefined,
    Promise.all([...keySecrets].map(async ([id, ref]) => [id, await secrets.get(ref)] as const)),
    createStateStoreFromEnv(env),
    // Only client-facing functions trace (the others ship without the tracer chunk).
    servesClients ? startTracing(env, logger) : undefined,
  ]);
  const config = loadConfig(configFile, {
    multiAccount: isMultiAccountFile(configFile),
    apiKey,
    keysFromSecrets: new Set(keySecrets.keys()),
    // Function file systems are read-only, and a key nobody knows is no use: refused below.
    writeApiKey: false,
  });
  if (config.apiKeyGenerated && servesClients) {
    // A generated key cannot be shared with anyone from a read-only function: refuse.
    throw new Error(`no API key: set ${apiKeySecretVariable} or api_key in ${configFile}`);
  }
  for (const [id, pem] of keys) {
    const account = config.accounts.find((a) => a.id === id);
    if (account) account.keyContent = pem;
  }

  const accounts = await createAccounts(config);
  const cacheMs = stateCacheMs(env);
  const shared = store && new SharedPoolState(store, systemClock, logger, { cacheMs });
  const pool = new AccountPool(accounts, config.pool, config.breaker, { logger, shared });
  const padding = slowAnswers && {
    afterMs: positiveMs(env.OCIAI_PAD_AFTER_MS, "OCIAI_PAD_AFTER_MS") ?? slowAnswers.afterMs,
    everyMs: positiveMs(env.OCIAI_PAD_EVERY_MS, "OCIAI_PAD_EVERY_MS") ?? slowAnswers.everyMs,
  };
  // Stored responses live in the shared store too, so a follow-up can land on any instance.
  const responses = store && new ResponseStore(store, config.server.responsesTtlMs);
  // Team keys on the same store, so a key created or revoked on one instance holds on all
  // of them within cacheMs; usage is written when each invocation ends (flush), never timed:
  // a frozen function runs no timers.
  const teamKeys = new TeamKeys(store ?? new MemoryStateStore(), { cacheMs, flushMs: 0, logger });
  const app = createApp({ config, pool, logger, responses, slowAnswers: padding, tracer, requestLines, seriesScope: "instance", teamKeys });
  const flush = async () => {
    await Promise.all([pool.flushShared(), teamKeys.flush(), tracer?.flush()]);
  };
  return { config, pool, app, logger, tracer, teamKeys, flush };
}

function positiveMs(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === "") return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive number of milliseconds, got "${text}"`);
  return value;
}

/** Memoises the runtime per cold start; a failed start is retried on the next invocation. */
export function lazyRuntime(environment: () => RuntimeEnvironment): () => Promise<ServerlessRuntime> {
  let runtime: Promise<ServerlessRuntime> | undefined;
  return () => {
    runtime ??= createServerlessRuntime(environment()).catch((err) => {
      runtime = undefined;
      throw err;
    });
    return runtime;
  };
}
