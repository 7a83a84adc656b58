/**
 * Team keys in the BUILT Lambda bundles on DynamoDB (dynalite), as the AWS stack deploys
 * them: the admin API on the models function, a team key streaming through the chat
 * function, its usage written before the invocation ends and read back through the other
 * function, a revocation on one refused by the other within OCIAI_STATE_CACHE_MS.
 */
import { apiGatewayRestEvent, decodeProxyResult, expectInvocationSucceeded, loadLambdaBundle, sseData, type LambdaBundle } from "../harness/lambda-runtime";
import { builtBundle, startServerlessFixture, type ServerlessFixture } from "../harness/serverless-fixture";
import { createStateTable, dynaliteClient, DYNALITE_CREDENTIALS, DYNALITE_REGION, startDynalite } from "../helpers/dynalite";

const CACHE_MS = 300;
let fx: ServerlessFixture;
let dynalite: Awaited<ReturnType<typeof startDynalite>>;
let chat: LambdaBundle;
let models: LambdaBundle;

beforeAll(async () => {
  fx = await startServerlessFixture();
  dynalite = await startDynalite();
  const client = dynaliteClient(dynalite.endpoint);
  await createStateTable(client, "ociai-state");
  client.destroy();
  const env = {
    ...fx.env,
    OCIAI_STATE_STORE: "dynamodb",
    OCIAI_DYNAMODB_TABLE: "ociai-state",
    OCIAI_STATE_CACHE_MS: String(CACHE_MS),
    AWS_ENDPOINT_URL_DYNAMODB: dynalite.endpoint,
    AWS_REGION: DYNALITE_REGION,
    AWS_ACCESS_KEY_ID: DYNALITE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: DYNALITE_CREDENTIALS.secretAccessKey,
    // The bundles run in Node's own realm, outside jest's process.env (see test/silence-aws-sdk-node-warning.cjs).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
  chat = loadLambdaBundle(builtBundle("dist/aws/chat/index.js"), { env });
  models = loadLambdaBundle(builtBundle("dist/aws/models/index.js"), { env });
}, 30_000);

afterAll(async () => {
  chat?.dispose();
  models?.dispose();
  await dynalite?.close();
  await fx?.close();
});

const bearer = (key: string) => ({ Authorization: `Bearer ${key}`, "Content-Type": "application/json" });

async function onModels(method: string, path: string, key = fx.apiKey, body?: unknown) {
  const res = decodeProxyResult(await models.invokeBuffered(apiGatewayRestEvent({ method, path, headers: bearer(key), body: body === undefined ? undefined : JSON.stringify(body) })));
  return { status: res.statusCode, body: JSON.parse(res.body) };
}

const streamChat = (key: string) =>
  chat.invokeStreaming(apiGatewayRestEvent({ method: "POST", path: "/v1/chat/completions", headers: bearer(key), body: JSON.stringify({ model: "grok-4", stream: true, messages: [{ role: "user", content: "hi" }] }) }));

test("a key made on the models function streams through the chat function; its usage is in the store when the invocation ends", async () => {
  const created = await onModels("POST", "/admin/keys", fx.apiKey, { name: "lambda-team", models: ["grok-4"] });
  expect(created.status).toBe(201);
  const { key, id } = created.body;

  const from = chat.logs.length;
  const res = await streamChat(key);
  expectInvocationSucceeded(res);
  expect(res.statusCode).toBe(200);
  // The request's EMF line names the key as a plain property (Logs Insights can group by it),
  // never as a dimension: each model × key pair would be a billed custom metric.
  const emf = chat.logs.slice(from).map((l) => JSON.parse(l.text)).filter((d) => d._aws);
  expect(emf).toHaveLength(1);
  expect(emf[0]).toMatchObject({ key_id: id, Model: "grok-4", Requests: 1 });
  expect(emf[0]._aws.CloudWatchMetrics[0].Dimensions).toEqual([["Model"], []]);
  expect(JSON.stringify(emf[0])).not.toContain(key);
  const chunks = sseData(res.bodyText).filter((d) => d !== "[DONE]").map((d) => JSON.parse(d));
  expect(chunks.some((c) => c.usage)).toBe(false);

  const shown = await onModels("GET", `/admin/keys/${id}`);
  expect(shown.body.usage).toMatchObject({ requests: 1, models: { "grok-4": { requests: 1 } } });
  expect(shown.body.usage.prompt_tokens).toBeGreaterThan(0);
  expect(shown.body.usage.completion_tokens).toBeGreaterThan(0);

  const listed = await onModels("GET", "/v1/models", key);
  expect(listed.body.data.map((m: { id: string }) => m.id)).toEqual(["grok-4"]);
  expect((await onModels("GET", "/stats/keys", key)).status).toBe(403);

  expect((await onModels("DELETE", `/admin/keys/${id}`)).body.status).toBe("revoked");
  await new Promise((resolve) => setTimeout(resolve, CACHE_MS));
  const refused = await streamChat(key);
  expect(refused.statusCode).toBe(401);
  expect(JSON.parse(refused.bodyText).error).toMatchObject({ code: "invalid_api_key", message: expect.stringMatching(/revoked/) });
});
