/**
 * What a serverless function needs around it in tests: two OCI accounts, each with its own
 * key on disk and its own signature-verifying simulator, and a multi-account config file
 * the function reads through `OCIAI_CONFIG_FILE` (state in memory).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { generateTestAccount, startSimulator, type OciSimulator } from "../simulator";
import { writeConfig, type ConfigSpec } from "../helpers/write-config";

export const SERVERLESS_API_KEY = "sk-serverless-test-0123456789";

export interface ServerlessFixture {
  dir: string;
  configPath: string;
  sims: OciSimulator[];
  apiKey: string;
  /** The env a function gets (config file, memory state, JSON logs). */
  env: Record<string, string>;
  resetSims(): void;
  close(): Promise<void>;
}

export async function startServerlessFixture(options: { accounts?: number; settings?: ConfigSpec["settings"] } = {}): Promise<ServerlessFixture> {
  const count = options.accounts ?? 2;
  const dir = mkdtempSync(join(tmpdir(), "ociai-fn-"));
  const sims: OciSimulator[] = [];
  const accounts: ConfigSpec["accounts"] = [];
  try {
    for (let i = 0; i < count; i++) {
      const { account, privateKeyPem } = generateTestAccount({ tenancy: `ocid1.tenancy.oc1..fn${i}`, user: `ocid1.user.oc1..fn${i}` });
      const keyFile = join(dir, `acct${i + 1}.pem`);
      writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
      const sim = await startSimulator({ accounts: [account] });
      sims.push(sim);
      accounts.push({
        section: `ACCOUNT_${i + 1}`,
        keys: { id: `acct${i + 1}`, user: account.user, fingerprint: account.fingerprint, key_file: keyFile, tenancy: account.tenancy, region: "us-chicago-1", endpoint: sim.url },
      });
    }
  } catch (err) {
    await Promise.all(sims.map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const configPath = writeConfig(dir, { mode: "multi", apiKey: SERVERLESS_API_KEY, settings: options.settings, accounts });
  return {
    dir,
    configPath,
    sims,
    apiKey: SERVERLESS_API_KEY,
    env: { OCIAI_CONFIG_FILE: configPath, OCIAI_STATE_STORE: "memory", OCIAI_LOG_FORMAT: "json" },
    resetSims() {
      for (const sim of sims) {
        sim.setFaults(null);
        sim.resetStats();
      }
    },
    async close() {
      await Promise.all(sims.map((s) => s.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Absolute path of a built bundle, or a clear failure telling how to build it. */
export function builtBundle(relative: string): string {
  const path = resolve(__dirname, "../..", relative);
  if (!existsSync(path)) throw new Error(`${relative} is missing: run \`node scripts/build.mjs --quiet\` (npm test builds first)`);
  return path;
}
