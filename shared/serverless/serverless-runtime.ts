import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config/load-config";
import type { ProxyConfig } from "../config/types";
import { createApp } from "../http/create-app";
import { loggerFromEnv, type Logger } from "../log/logger";
import { AccountPool } from "../pool/account-pool";
import { systemClock } from "../pool/clock";
import { createAccounts } from "../pool/create-accounts";
import { SharedPoolState } from "../state/shared-pool-state";
import { createStateStoreFromEnv } from "./create-state-store";
import { parseSecretMap, type SecretSource } from "./secret-source";

export interface ServerlessRuntime {
  config: ProxyConfig;
  pool: AccountPool;
  app: ReturnType<typeof createApp>;
  logger: Logger;
}

export interface RuntimeEnvironment {
  env: NodeJS.ProcessEnv;
  /** Folder of the function bundle: the default config.conf sits there. */
  bundleDir: string;
  secrets: SecretSource;
  /** Env variable holding the API key's secret reference (ARN on AWS, OCID on OCI). */
  apiKeySecretVariable: string;
}

/**
 * Everything a function needs, built once per cold start: the config (from
 * `OCIAI_CONFIG_FILE`, keys from the secret store), one client per account, the pool
 * sharing its state through the configured store, and the HTTP app.
 */
export async function createServerlessRuntime({ env, bundleDir, secrets, apiKeySecretVariable }: RuntimeEnvironment): Promise<ServerlessRuntime> {
  const logger = loggerFromEnv(env, "json");
  const configFile = env.OCIAI_CONFIG_FILE ?? join(bundleDir, "config.conf");
  const keySecrets = parseSecretMap(env.OCIAI_ACCOUNT_KEY_SECRETS, "OCIAI_ACCOUNT_KEY_SECRETS");
  const apiKeyRef = env[apiKeySecretVariable];

  const [apiKey, keys, store] = await Promise.all([
    apiKeyRef ? secrets.get(apiKeyRef).then((key) => key.trim()) : undefined,
    Promise.all([...keySecrets].map(async ([id, ref]) => [id, await secrets.get(ref)] as const)),
    createStateStoreFromEnv(env),
  ]);
  const config = loadConfig(configFile, {
    multiAccount: isMultiAccount(configFile),
    apiKey,
    keysFromSecrets: new Set(keySecrets.keys()),
  });
  if (config.apiKeyGenerated) {
    // A generated key cannot be shared with anyone from a read-only function: refuse.
    throw new Error(`no API key: set ${apiKeySecretVariable} or api_key in ${configFile}`);
  }
  for (const [id, pem] of keys) {
    const account = config.accounts.find((a) => a.id === id);
    if (account) account.keyContent = pem;
  }

  const accounts = await createAccounts(config);
  const shared = store && new SharedPoolState(store, systemClock, logger, { cacheMs: Number(env.OCIAI_STATE_CACHE_MS ?? 1_000) });
  const pool = new AccountPool(accounts, config.pool, config.breaker, { logger, shared });
  return { config, pool, app: createApp({ config, pool, logger }), logger };
}

/** Functions get one bundled file; its sections say which layout it is. */
function isMultiAccount(file: string): boolean {
  try {
    return /^\s*\[ACCOUNT_/m.test(readFileSync(file, "utf8"));
  } catch {
    return false; // loadConfig reports the missing file with its path
  }
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
