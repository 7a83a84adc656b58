/**
 * Serverless keys come from a secret store, never from the environment: the runtime reads
 * each account's private key and the API key through the real AWS SDK's Secrets Manager
 * client, once per cold start. Secrets Manager itself is a cloud control plane, so a local
 * endpoint stands in for it, implementing the documented GetSecretValue contract (AWS JSON
 * 1.1: `X-Amz-Target: secretsmanager.GetSecretValue`, `{"SecretId"}` → `{"ARN","Name","SecretString"}`,
 * ResourceNotFoundException for unknown ids).
 */
import http from "node:http";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { awsSecretsManager } from "../../shared/serverless/aws-secrets-manager";
import { createServerlessRuntime, type ServerlessRuntime } from "../../shared/serverless/serverless-runtime";
import { writeConfig } from "../helpers/write-config";
import { generateTestAccount, startSimulator, type OciSimulator } from "../simulator";

const API_KEY = "sk-from-secrets-manager-0123456789";
const KEY_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ociai/acct1-key-AbCdEf";
const API_KEY_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:ociai/api-key-AbCdEf";

let sim: OciSimulator;
let secretsServer: http.Server;
let secretCalls: string[];
let dir: string;
let configFile: string;
let configText: string;
let runtime: ServerlessRuntime;
const savedEnv = { ...process.env };

function startSecretsManager(secrets: Map<string, string>): Promise<string> {
  secretsServer = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      const target = String(req.headers["x-amz-target"]);
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      secretCalls.push(SecretId);
      const value = secrets.get(SecretId);
      res.setHeader("content-type", "application/x-amz-json-1.1");
      if (target !== "secretsmanager.GetSecretValue" || value === undefined) {
        res.writeHead(400).end(JSON.stringify({ __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." }));
        return;
      }
      res.end(JSON.stringify({ ARN: SecretId, Name: SecretId.split(":").pop(), SecretString: value, VersionId: "v1", CreatedDate: 1_700_000_000 }));
    });
  });
  return new Promise((resolve) => secretsServer.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(secretsServer.address() as AddressInfo).port}`)));
}

beforeAll(async () => {
  secretCalls = [];
  const { account, privateKeyPem } = generateTestAccount();
  sim = await startSimulator({ accounts: [account] });
  const endpoint = await startSecretsManager(new Map([[KEY_ARN, privateKeyPem], [API_KEY_ARN, `${API_KEY}\n`]]));
  dir = mkdtempSync(join(tmpdir(), "ociai-secrets-"));
  // No key_file, and the placeholder api_key: both come from Secrets Manager.
  configFile = writeConfig(dir, {
    mode: "multi",
    apiKey: "auto_generated_key",
    accounts: [{ section: "ACCOUNT_1", keys: { id: "acct1", user: account.user, fingerprint: account.fingerprint, tenancy: account.tenancy, region: "us-chicago-1", endpoint: sim.url } }],
  });
  configText = readFileSync(configFile, "utf8");
  // The AWS SDK reads endpoint, region and credentials from the process environment.
  Object.assign(process.env, { AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" });
  runtime = await createServerlessRuntime({
    env: {
      OCIAI_CONFIG_FILE: configFile,
      OCIAI_STATE_STORE: "memory",
      OCIAI_LOG_LEVEL: "warn",
      OCIAI_ACCOUNT_KEY_SECRETS: JSON.stringify({ acct1: KEY_ARN }),
      OCIAI_API_KEY_SECRET_ARN: API_KEY_ARN,
    },
    bundleDir: dir,
    secrets: awsSecretsManager(),
    apiKeySecretVariable: "OCIAI_API_KEY_SECRET_ARN",
  });
});

afterAll(async () => {
  process.env = savedEnv;
  await sim.close();
  await new Promise((r) => secretsServer.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const chat = (key: string) =>
  runtime.app.fetch(
    new Request("http://lambda/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "grok-4", messages: [{ role: "user", content: "hi" }] }),
    }),
  );

test("the account signs with the private key from its secret, and clients use the API key from its secret", async () => {
  const res = await chat(API_KEY);
  expect(res.status).toBe(200);
  expect(sim.stats().rejectedSignature).toBe(0);
  expect(sim.stats().requests).toBe(1);
});

test("the config's placeholder is not a key, and the read-only config file is never rewritten", async () => {
  expect((await chat("auto_generated_key")).status).toBe(401);
  expect(readFileSync(configFile, "utf8")).toBe(configText);
});

test("each secret is read once per cold start, and no key value reaches the environment", async () => {
  for (let i = 0; i < 3; i++) expect((await chat(API_KEY)).status).toBe(200);
  expect(secretCalls.sort()).toEqual([API_KEY_ARN, KEY_ARN].sort());
  expect(JSON.stringify(process.env)).not.toContain("PRIVATE KEY");
  expect(JSON.stringify(process.env)).not.toContain(API_KEY);
});

test("a secret that does not exist fails the cold start with the secret's name, not a crash later", async () => {
  await expect(
    createServerlessRuntime({
      env: { OCIAI_CONFIG_FILE: configFile, OCIAI_ACCOUNT_KEY_SECRETS: JSON.stringify({ acct1: "arn:aws:secretsmanager:us-east-1:123456789012:secret:missing" }), OCIAI_API_KEY_SECRET_ARN: API_KEY_ARN },
      bundleDir: dir,
      secrets: awsSecretsManager(),
      apiKeySecretVariable: "OCIAI_API_KEY_SECRET_ARN",
    }),
  ).rejects.toThrow(/can't find the specified secret/);
});

test("a secret that holds something other than the account's private key fails the cold start naming the account", async () => {
  await expect(
    createServerlessRuntime({
      env: { OCIAI_CONFIG_FILE: configFile, OCIAI_ACCOUNT_KEY_SECRETS: JSON.stringify({ acct1: API_KEY_ARN }), OCIAI_API_KEY_SECRET_ARN: API_KEY_ARN },
      bundleDir: dir,
      secrets: awsSecretsManager(),
      apiKeySecretVariable: "OCIAI_API_KEY_SECRET_ARN",
    }),
  ).rejects.toThrow(/\[ACCOUNT_1\] key_content: the account's private key is not a PEM private key/);
});
