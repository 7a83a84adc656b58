/**
 * previous_response_id across instances: two proxy processes, each built the way a
 * serverless cold start builds it, sharing one DynamoDB table (dynalite). A response
 * created on one is continued, read and deleted on the other, with the official client.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { createStateTable, dynaliteClient, startDynalite } from "../helpers/dynalite";
import { dynamoDbInstanceEnv, startInstanceProcess, type InstanceProcess } from "../helpers/serverless-instance";
import { writeConfig } from "../helpers/write-config";
import { generateTestAccount, startSimulator, type OciSimulator } from "../simulator";

const API_KEY = "sk-responses-across-instances";

let dynalite: Awaited<ReturnType<typeof startDynalite>>;
let sim: OciSimulator;
let dir: string;
const instances: InstanceProcess[] = [];
const clients: OpenAI[] = [];

async function startInstance(env: NodeJS.ProcessEnv): Promise<OpenAI> {
  const instance = await startInstanceProcess(env);
  instances.push(instance);
  return new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: API_KEY, maxRetries: 0 });
}

beforeAll(async () => {
  dynalite = await startDynalite();
  const client = dynaliteClient(dynalite.endpoint);
  await createStateTable(client, "ociai-state");
  client.destroy();
  dir = mkdtempSync(join(tmpdir(), "ociai-responses-"));
  const { account, privateKeyPem } = generateTestAccount();
  writeFileSync(join(dir, "0.pem"), privateKeyPem);
  sim = await startSimulator({ accounts: [account] });
  const configFile = writeConfig(dir, {
    mode: "multi",
    apiKey: API_KEY,
    settings: { responses_ttl: "2d" },
    accounts: [{ section: "ACCOUNT_1", keys: { id: "acct1", user: account.user, fingerprint: account.fingerprint, key_file: "0.pem", tenancy: account.tenancy, region: "us-chicago-1", endpoint: sim.url } }],
  });
  const env = dynamoDbInstanceEnv(configFile, dynalite.endpoint, "ociai-state");
  clients.push(...(await Promise.all([startInstance(env), startInstance(env)])));
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await sim.close();
  await dynalite.close();
  rmSync(dir, { recursive: true, force: true });
});

test("a response made on one instance is continued, read and deleted on the other", async () => {
  const [a, b] = clients;
  const first = await a.responses.create({ model: "grok-4", input: "My name is Ada." });
  const stream = b.responses.stream({ model: "grok-4", input: "What is my name?", previous_response_id: first.id });
  const second = await stream.finalResponse();
  expect(second.status).toBe("completed");
  const sent = sim.lastRequest()!.body.chatRequest.messages.map((m: { role: string; content: Array<{ text: string }> }) => [m.role, m.content[0].text]);
  expect(sent).toEqual([
    ["USER", "My name is Ada."],
    ["ASSISTANT", first.output_text],
    ["USER", "What is my name?"],
  ]);

  expect((await b.responses.retrieve(first.id)).output_text).toBe(first.output_text);
  expect((await a.responses.retrieve(second.id)).output_text).toBe(second.output_text);

  // One item per response, with DynamoDB's TTL attribute (seconds) about two days out.
  const client = dynaliteClient(dynalite.endpoint);
  const { Items = [] } = await client.send(new ScanCommand({ TableName: "ociai-state" }));
  client.destroy();
  const stored = Items.filter((item) => item.pk.S!.startsWith("response#"));
  expect(stored.map((item) => item.pk.S).sort()).toEqual([`response#${first.id}`, `response#${second.id}`].sort());
  for (const item of stored) expect(Number(item.expiresAt.N) - Date.now() / 1000).toBeGreaterThan(2 * 86_400 - 120);

  await b.responses.delete(first.id);
  await expect(a.responses.retrieve(first.id)).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  const err = await a.responses.create({ model: "grok-4", input: "x", previous_response_id: first.id }).catch((e) => e);
  expect(err.code).toBe("previous_response_not_found");
});
