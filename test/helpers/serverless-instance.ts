/**
 * Serverless "instances" as separate processes (test/serverless/workers/serve-instance.ts):
 * each builds its runtime from env exactly as a cold start does and serves it over HTTP,
 * so tests can show what instances share only through the state store.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { generateTestAccount, startSimulator, type OciSimulator } from "../simulator";
import { createStateTable, dynaliteClient, DYNALITE_CREDENTIALS, DYNALITE_REGION, startDynalite } from "./dynalite";
import { writeConfig, type ConfigSpec } from "./write-config";

const WORKER = resolve(__dirname, "../serverless/workers/serve-instance.ts");
const ROOT = resolve(__dirname, "../..");

export interface InstanceProcess {
  url: string;
  /** Ends the process (it closes its server first) and waits for it to exit. */
  stop(): Promise<void>;
}

/** Starts one instance with `env` and resolves once it listens. */
export async function startInstanceProcess(env: NodeJS.ProcessEnv): Promise<InstanceProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", WORKER], { cwd: ROOT, env, stdio: ["pipe", "pipe", "inherit"] });
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  const line = await new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout! }).once("line", resolveLine);
    child.once("exit", (code) => reject(new Error(`instance exited with ${code}`)));
  });
  return {
    url: JSON.parse(line).url,
    stop: async () => {
      child.stdin!.end();
      await exited;
    },
  };
}

/** The environment of an instance on a DynamoDB table served by dynalite (as the AWS stack sets it, plus the endpoint). */
export function dynamoDbInstanceEnv(configFile: string, endpoint: string, table: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    OCIAI_CONFIG_FILE: configFile,
    OCIAI_STATE_STORE: "dynamodb",
    OCIAI_DYNAMODB_TABLE: table,
    OCIAI_LOG_LEVEL: "warn",
    NODE_NO_WARNINGS: "1",
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    AWS_REGION: DYNALITE_REGION,
    AWS_ACCESS_KEY_ID: DYNALITE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DYNALITE_CREDENTIALS.secretAccessKey,
  };
}

/** One deploy's shared parts: a DynamoDB table on dynalite, one OCI account on the simulator, the config. */
export interface DynamoDbDeploy {
  sim: OciSimulator;
  dynaliteEndpoint: string;
  /** What every instance of this deploy gets (the table "ociai-state"). */
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/** Starts dynalite with the state table, a simulator and a multi-account config for `apiKey`. */
export async function startDynamoDbDeploy(apiKey: string, settings?: ConfigSpec["settings"]): Promise<DynamoDbDeploy> {
  const dynalite = await startDynalite();
  const client = dynaliteClient(dynalite.endpoint);
  await createStateTable(client, "ociai-state");
  client.destroy();
  const dir = mkdtempSync(join(tmpdir(), "ociai-deploy-"));
  const { account, privateKeyPem } = generateTestAccount();
  writeFileSync(join(dir, "0.pem"), privateKeyPem);
  const sim = await startSimulator({ accounts: [account] });
  const configFile = writeConfig(dir, {
    mode: "multi",
    apiKey,
    settings,
    accounts: [{ section: "ACCOUNT_1", keys: { id: "acct1", user: account.user, fingerprint: account.fingerprint, key_file: "0.pem", tenancy: account.tenancy, region: "us-chicago-1", endpoint: sim.url } }],
  });
  return {
    sim,
    dynaliteEndpoint: dynalite.endpoint,
    env: dynamoDbInstanceEnv(configFile, dynalite.endpoint, "ociai-state"),
    close: async () => {
      await sim.close();
      await dynalite.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
