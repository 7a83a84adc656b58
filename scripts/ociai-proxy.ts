/**
 * The `ociai-proxy` CLI: loads the config, builds the account clients and serves the
 * OpenAI-compatible API until SIGTERM/SIGINT, letting in-flight streams finish.
 * `ociai-proxy keys …` manages team keys on a running proxy instead.
 */
import { existsSync } from "node:fs";
import { version } from "../package.json";
import { loadConfig } from "../shared/config/load-config";
import { stateCacheMs } from "../shared/config/state-cache-ms";
import { escapeControl } from "../shared/log/escape-control";
import { batchedLog } from "../shared/log/batched-log";
import { loggerFromEnv } from "../shared/log/logger";
import { startProxy } from "../shared/server/start-proxy";
import { runKeysCommand } from "./lib/keys-command";
import { parseCliArgs, USAGE, type CliArgs } from "./lib/parse-cli-args";

const SHUTDOWN_GRACE_MS = Number(process.env.OCIAI_SHUTDOWN_GRACE_MS ?? 30_000);

/** Start-up failures: one line on stderr (control characters escaped: it may quote the file), exit 1. */
function fail(message: string, code = 1): never {
  process.stderr.write(`ociai-proxy: ${escapeControl(message)}\n`);
  process.exit(code);
}

/** What to do about a config file that is not there: the example to copy. */
function missingConfigHint(args: CliArgs): string {
  const example = args.multiAccount ? "config/multi_config.conf" : "config/config.conf";
  const target = args.config.replace(/^\.\//, "");
  const fill = args.multiAccount ? "each [ACCOUNT_n]" : "user, fingerprint, key_file, tenancy and region";
  return (
    `${args.config} not found. Create it from the example: cp ${example} ${target} — then fill in ${fill}` +
    (args.defaultConfig ? "" : " (or pass the file you meant with -config)")
  );
}

async function main(): Promise<void> {
  if (process.argv[2] === "keys") {
    process.exitCode = await runKeysCommand(process.argv.slice(3), {
      env: process.env,
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
    });
    return;
  }
  let args;
  try {
    args = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`ociai-proxy: ${escapeControl((err as Error).message)}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE + "\n");
    return;
  }
  if (args.version) {
    process.stdout.write(`ociai-proxy ${version}\n`);
    return;
  }
  // Lines are rendered and written in batches (at most 25 ms late), not one per request; exit writes the rest.
  const logger = loggerFromEnv(process.env, "text", batchedLog(process.stdout));

  if (!existsSync(args.config)) fail(missingConfigHint(args));
  let config;
  let cacheMs;
  try {
    config = loadConfig(args.config, { multiAccount: args.multiAccount });
    cacheMs = stateCacheMs(process.env);
  } catch (err) {
    fail((err as Error).message);
  }
  logger.info("OCI AI proxy starting", { version, mode: config.mode, config: config.file });
  for (const warning of config.warnings ?? []) logger.warn(warning);
  if (config.apiKeyGenerated) logger.info(`Generated an API key and wrote it to ${config.file} (api_key)`);
  logger.info(`Loaded ${config.models.size} models from config`);
  for (const account of config.accounts) {
    const where = account.endpoint ?? `region ${account.region}`;
    if (config.mode === "multi") {
      const limit = account.maxConcurrency || "unlimited";
      logger.info(`Loaded account ${account.section} (weight: ${account.weight}, max concurrency: ${limit})`, { id: account.id, endpoint: where, enabled: account.enabled });
    } else {
      logger.info(`Initializing OCI client for ${where}`);
    }
  }

  let proxy;
  try {
    proxy = await startProxy({ config, logger, port: args.port, host: args.host, stateFile: process.env.OCIAI_STATE_FILE || undefined, stateCacheMs: cacheMs });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") fail(`port ${args.port} is already in use on ${args.host}; stop the other server or pass -port`);
    if (code === "EACCES") fail(`not allowed to listen on port ${args.port} (ports below 1024 need privileges); pass -port 8080`);
    fail((err as Error).message);
  }
  logger.info("OCI clients initialized successfully", { accounts: config.accounts.length });
  if (proxy.stateFile) logger.info(`Team keys are kept in ${proxy.stateFile} (manage them with: npx ociai-proxy keys --help)`);
  logger.info(`Starting server on port ${proxy.port}`, { url: `${proxy.url}/v1` });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    stopping = true;
    logger.info(`${signal}: no new connections; waiting for in-flight requests`, { grace_ms: SHUTDOWN_GRACE_MS });
    proxy.close(SHUTDOWN_GRACE_MS).then(() => {
      logger.info("Stopped");
      process.exit(0);
    });
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

void main();
