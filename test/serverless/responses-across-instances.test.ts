/**
 * previous_response_id across instances: two proxy processes, each built the way a
 * serverless cold start builds it, sharing one DynamoDB table (dynalite). A response
 * created on one is continued, read and deleted on the other, with the official client.
 */
import OpenAI from "openai";
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { dynaliteClient } from "../helpers/dynalite";
import { startDynamoDbDeploy, startInstanceProcess, type DynamoDbDeploy, type InstanceProcess } from "../helpers/serverless-instance";

const API_KEY = "sk-responses-across-instances";

let deploy: DynamoDbDeploy;
const instances: InstanceProcess[] = [];
const clients: OpenAI[] = [];

beforeAll(async () => {
  deploy = await startDynamoDbDeploy(API_KEY, { responses_ttl: "2d" });
  instances.push(...(await Promise.all([startInstanceProcess(deploy.env), startInstanceProcess(deploy.env)])));
  clients.push(...instances.map((instance) => new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: API_KEY, maxRetries: 0 })));
}, 60_000);

afterAll(async () => {
  await Promise.all(instances.map((instance) => instance.stop()));
  await deploy.close();
});

test("a response made on one instance is continued, read and deleted on the other", async () => {
  const [a, b] = clients;
  const first = await a.responses.create({ model: "grok-4", input: "My name is Ada." });
  const stream = b.responses.stream({ model: "grok-4", input: "What is my name?", previous_response_id: first.id });
  const second = await stream.finalResponse();
  expect(second.status).toBe("completed");
  const sent = deploy.sim.lastRequest()!.body.chatRequest.messages.map((m: { role: string; content: Array<{ text: string }> }) => [m.role, m.content[0].text]);
  expect(sent).toEqual([
    ["USER", "My name is Ada."],
    ["ASSISTANT", first.output_text],
    ["USER", "What is my name?"],
  ]);

  expect((await b.responses.retrieve(first.id)).output_text).toBe(first.output_text);
  expect((await a.responses.retrieve(second.id)).output_text).toBe(second.output_text);

  // One item per response, with DynamoDB's TTL attribute (seconds) about two days out.
  const client = dynaliteClient(deploy.dynaliteEndpoint);
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
