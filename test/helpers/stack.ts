import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { loadConfig } from "../../shared/config/load-config";
import type { ProxyConfig } from "../../shared/config/types";
import { silentLogger, type Logger } from "../../shared/log/logger";
import { startProxy, type RunningProxy } from "../../shared/server/start-proxy";
import { generateTestAccount, startSimulator, type OciSimulator, type SimulatorOptions } from "../simulator";
import { writeConfig, type ConfigSpec } from "./write-config";

export const TEST_API_KEY = "sk-test-0123456789abcdef";

export interface StackOptions {
  /** Number of OCI accounts, each with its own key and simulator. Default 1 (single mode). */
  accounts?: number;
  multiAccount?: boolean;
  settings?: ConfigSpec["settings"];
  breaker?: ConfigSpec["breaker"];
  /** [MODELS] of the config (default TEST_MODELS). */
  models?: ConfigSpec["models"];
  accountKeys?: (index: number) => Record<string, string | number | boolean>;
  simulator?: Partial<SimulatorOptions>;
  logger?: Logger;
  /** The single-account start-up probe (off by default here: tests count simulator requests). */
  startupCheck?: boolean;
}

export interface Stack {
  proxy: RunningProxy;
  config: ProxyConfig;
  baseURL: string;
  apiKey: string;
  sims: OciSimulator[];
  dir: string;
  client(options?: Partial<ConstructorParameters<typeof OpenAI>[0]>): OpenAI;
  close(): Promise<void>;
}

/**
 * Starts simulators (one per account, each verifying that account's own key) and the
 * proxy in front of them, configured through a real config file.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const count = options.accounts ?? 1;
  const multi = options.multiAccount ?? count > 1;
  const dir = mkdtempSync(join(tmpdir(), "ociai-test-"));
  const sims: OciSimulator[] = [];
  const accounts: ConfigSpec["accounts"] = [];
  for (let i = 0; i < count; i++) {
    const { account, privateKeyPem } = generateTestAccount({ tenancy: `ocid1.tenancy.oc1..test${i}`, user: `ocid1.user.oc1..test${i}` });
    const keyFile = join(dir, `${i}.pem`);
    writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
    const sim = await startSimulator({ accounts: [account], ...options.simulator });
    sims.push(sim);
    accounts.push({
      section: multi ? `ACCOUNT_${i + 1}` : "DEFAULT",
      keys: {
        ...(multi ? { id: `acct${i + 1}` } : {}),
        user: account.user,
        fingerprint: account.fingerprint,
        key_file: keyFile,
        tenancy: account.tenancy,
        region: "us-chicago-1",
        endpoint: sim.url,
        ...options.accountKeys?.(i),
      },
    });
  }
  const configPath = writeConfig(dir, {
    mode: multi ? "multi" : "single",
    apiKey: TEST_API_KEY,
    settings: options.settings,
    breaker: options.breaker,
    models: options.models,
    accounts,
  });
  const config = loadConfig(configPath, { multiAccount: multi });
  const proxy = await startProxy({
    config,
    logger: options.logger ?? silentLogger,
    port: 0,
    host: "127.0.0.1",
    startupCheck: multi || (options.startupCheck ?? false),
  });
  const baseURL = `${proxy.url}/v1`;
  return {
    proxy,
    config,
    baseURL,
    apiKey: TEST_API_KEY,
    sims,
    dir,
    client: (clientOptions) => new OpenAI({ baseURL, apiKey: TEST_API_KEY, maxRetries: 0, timeout: 15_000, ...clientOptions }),
    async close() {
      await proxy.close(1_000);
      await Promise.all(sims.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
