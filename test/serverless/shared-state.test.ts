/**
 * Serverless instances share pool state through DynamoDB (dynalite): an account whose
 * breaker one instance tripped gets no traffic from a fresh instance until reset_timeout.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { createStateTable, dynaliteClient, startDynalite, DYNALITE_CREDENTIALS, DYNALITE_REGION } from "../helpers/dynalite";
import { writeConfig } from "../helpers/write-config";
import { generateTestAccount, startSimulator, type OciSimulator } from "../simulator";

const run = promisify(execFile);
const WORKER = resolve(__dirname, "workers/chat-instance.ts");
const ROOT = resolve(__dirname, "../..");

let dynalite: Awaited<ReturnType<typeof startDynalite>>;
let sims: OciSimulator[];
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dynalite = await startDynalite();
  const client = dynaliteClient(dynalite.endpoint);
  await createStateTable(client, "ociai-state");
  client.destroy();
  dir = mkdtempSync(join(tmpdir(), "ociai-shared-"));
  sims = [];
  const accounts = [];
  for (let i = 0; i < 2; i++) {
    const { account, privateKeyPem } = generateTestAccount({ tenancy: `ocid1.tenancy.oc1..shared${i}` });
    writeFileSync(join(dir, `${i}.pem`), privateKeyPem);
    const sim = await startSimulator({ accounts: [account] });
    sims.push(sim);
    accounts.push({
      section: `ACCOUNT_${i + 1}`,
      keys: { id: `acct${i + 1}`, user: account.user, fingerprint: account.fingerprint, key_file: `${i}.pem`, tenancy: account.tenancy, region: "us-chicago-1", endpoint: sim.url },
    });
  }
  const configFile = writeConfig(dir, {
    mode: "multi",
    apiKey: "sk-shared-state-test-key",
    settings: { retry_attempts: 2, load_balance_strategy: "round_robin" },
    breaker: { max_failures: 2, reset_timeout: "3s" },
    accounts,
  });
  env = {
    ...process.env,
    OCIAI_CONFIG_FILE: configFile,
    OCIAI_STATE_STORE: "dynamodb",
    OCIAI_DYNAMODB_TABLE: "ociai-state",
    OCIAI_STATE_CACHE_MS: "0",
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_REGION: DYNALITE_REGION,
    AWS_ACCESS_KEY_ID: DYNALITE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DYNALITE_CREDENTIALS.secretAccessKey,
  };
});

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  await dynalite.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(path: string): Promise<{ status: number; body: any }> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", WORKER], { cwd: ROOT, env: { ...env, GET: path } });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

async function instance(count: number): Promise<number[]> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", WORKER], { cwd: ROOT, env: { ...env, COUNT: String(count) } });
  return JSON.parse(stdout.trim().split("\n").pop()!).statuses;
}

test("a breaker tripped by one instance keeps a fresh instance away from the account until reset_timeout", async () => {
  sims[0].setFaults({ status: 500 });
  // Instance A: acct1 fails, every request fails over to acct2; two failures open acct1's breaker.
  const first = await instance(6);
  expect(first.every((s) => s === 200)).toBe(true);
  const badAfterA = sims[0].stats().requests;
  expect(badAfterA).toBeGreaterThanOrEqual(2);

  // A fresh models instance reports what the chat instance did.
  const stats = await get("/stats/circuit-breaker");
  expect(stats.status).toBe(200);
  expect(stats.body.circuit_breakers.find((b: { id: string }) => b.id === "acct1").state).toBe("open");

  // Instance B, a new process with an empty local view: it reads the open breaker and never calls acct1.
  sims[0].setFaults(null);
  const second = await instance(6);
  expect(second.every((s) => s === 200)).toBe(true);
  expect(sims[0].stats().requests).toBe(badAfterA);

  // After reset_timeout a probe goes to acct1 again; it succeeds and closes the breaker.
  await new Promise((r) => setTimeout(r, 3_200));
  const third = await instance(4);
  expect(third.every((s) => s === 200)).toBe(true);
  expect(sims[0].stats().requests).toBeGreaterThan(badAfterA);
}, 60_000);
