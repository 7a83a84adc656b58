/**
 * One route table, checked against the app: every route the app registers must be routed
 * by both synthesized gateways, to the right function, with the right method, streamed on
 * AWS where the table says so, plus OPTIONS on every path (the app answers CORS); and no
 * gateway may route what the app does not serve.
 */
import { Testing } from "cdktf";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AwsStack } from "../../infra/aws/aws-stack";
import { OciStack } from "../../infra/oci/oci-stack";
import { ROUTES } from "../../infra/shared/routes";
import { loadConfig } from "../../shared/config/load-config";
import { createApp } from "../../shared/http/create-app";
import { silentLogger } from "../../shared/log/logger";
import { AccountPool } from "../../shared/pool/account-pool";
import { createAccounts } from "../../shared/pool/create-accounts";
import { generateTestAccount } from "../simulator";
import { writeConfig } from "../helpers/write-config";
import { appRoutes, awsServedRoutes, ociServedRoutes, routeKey, type ServedRoute } from "./gateway-routes";
import { awsOptions, exampleConfigWithKeys, infraConfig, ociOptions, synth, type Synthesized } from "./helpers";

/** Problems of one gateway against the app's routes and the table (empty = consistent). */
function gatewayProblems(gateway: string, app: ServedRoute[], served: ServedRoute[]): string[] {
  const problems: string[] = [];
  const byKey = new Map(served.map((route) => [routeKey(route), route]));
  const table = new Map(ROUTES.map((route) => [routeKey(route), route]));
  for (const route of app) {
    const got = byKey.get(routeKey(route));
    const want = table.get(routeKey(route));
    if (!got) problems.push(`${gateway}: ${routeKey(route)} is not routed`);
    else if (!want) problems.push(`${gateway}: ${routeKey(route)} is routed but not in the route table`);
    else {
      if (got.fn !== want.fn) problems.push(`${gateway}: ${routeKey(route)} goes to ${got.fn}, the table says ${want.fn}`);
      if (got.streaming !== undefined && got.streaming !== want.streaming) problems.push(`${gateway}: ${routeKey(route)} streaming ${got.streaming}, the table says ${want.streaming}`);
    }
  }
  const appKeys = new Set(app.map(routeKey));
  const paths = new Set(app.map((route) => route.path));
  for (const route of served) {
    if (route.method === "OPTIONS") continue;
    if (!appKeys.has(routeKey(route))) problems.push(`${gateway}: routes ${routeKey(route)}, which the app does not serve`);
  }
  for (const path of paths) {
    const preflight = byKey.get(`OPTIONS ${path}`);
    if (!preflight) problems.push(`${gateway}: OPTIONS ${path} (CORS preflight) is not routed`);
    else if (preflight.streaming) problems.push(`${gateway}: OPTIONS ${path} should be buffered`);
  }
  return problems;
}

let served: ServedRoute[];
let aws: Synthesized;
let oci: Synthesized;

beforeAll(async () => {
  // The real app, as every adapter builds it.
  const dir = mkdtempSync(join(tmpdir(), "ociai-routes-"));
  const { account, privateKeyPem } = generateTestAccount();
  writeFileSync(join(dir, "key.pem"), privateKeyPem);
  const configFile = writeConfig(dir, {
    mode: "multi",
    apiKey: "sk-routes-0123456789abcdef",
    accounts: [{ section: "ACCOUNT_1", keys: { id: "a", user: account.user, fingerprint: account.fingerprint, key_file: join(dir, "key.pem"), tenancy: account.tenancy, region: "us-chicago-1" } }],
  });
  const config = loadConfig(configFile, { multiAccount: true });
  const pool = new AccountPool(await createAccounts(config), config.pool, config.breaker, { logger: silentLogger });
  // HEAD where the table routes it (Claude Code's HEAD /), if the app serves GET there.
  const headPaths = new Set(ROUTES.filter((route) => route.method === "HEAD").map((route) => route.path));
  served = appRoutes(createApp({ config, pool, logger: silentLogger }), headPaths);

  const file = exampleConfigWithKeys();
  const infra = await infraConfig(file);
  aws = synth(new AwsStack(Testing.app(), "aws", awsOptions({ configFile: file }), infra));
  oci = synth(new OciStack(Testing.app(), "oci", ociOptions({ configFile: file }), infra));
});

test("the route table lists exactly the app's routes", () => {
  expect(served.length).toBeGreaterThanOrEqual(10);
  expect(served.map(routeKey).sort()).toEqual(ROUTES.map(routeKey).sort());
});

test("the AWS REST API routes every app route to its function, streaming where the table says, OPTIONS on every path", () => {
  expect(gatewayProblems("aws", served, awsServedRoutes(aws))).toEqual([]);
  // Spot checks a reader can follow.
  const awsRoutes = new Map(awsServedRoutes(aws).map((r) => [routeKey(r), r]));
  expect(awsRoutes.get("POST /v1/chat/completions")).toEqual({ method: "POST", path: "/v1/chat/completions", fn: "chat", streaming: true });
  expect(awsRoutes.get("POST /v1/embeddings")).toMatchObject({ fn: "chat", streaming: true });
  expect(awsRoutes.get("GET /stats")).toMatchObject({ fn: "models", streaming: false });
  expect(awsRoutes.get("POST /v1/responses")).toMatchObject({ fn: "chat", streaming: true });
  expect(awsRoutes.get("DELETE /v1/responses/{id}")).toMatchObject({ fn: "chat", streaming: true });
  expect(awsRoutes.get("POST /v1/messages")).toMatchObject({ fn: "chat", streaming: true });
  expect(awsRoutes.get("POST /v1/messages/count_tokens")).toMatchObject({ fn: "chat", streaming: true });
  expect(awsRoutes.get("HEAD /")).toEqual({ method: "HEAD", path: "/", fn: "models", streaming: false });
});

test("the OCI deployment routes every app route to its function, OPTIONS on every path", () => {
  expect(gatewayProblems("oci", served, ociServedRoutes(oci))).toEqual([]);
  const ociRoutes = new Map(ociServedRoutes(oci).map((r) => [routeKey(r), r]));
  expect(ociRoutes.get("GET /v1/models/{id+}")).toEqual({ method: "GET", path: "/v1/models/{id+}", fn: "models" });
  expect(ociRoutes.get("POST /embeddings")).toMatchObject({ fn: "chat" });
  expect(ociRoutes.get("GET /v1/responses/{id}/input_items")).toMatchObject({ fn: "chat" });
  expect(ociRoutes.get("POST /v1/messages")).toMatchObject({ fn: "chat" });
  expect(ociRoutes.get("HEAD /")).toMatchObject({ fn: "models" });
});

test("the check fails when the app gains a route the gateways lack (as /v1/files would)", () => {
  const grown = [...served, { method: "POST", path: "/v1/files" }, { method: "DELETE", path: "/v1/files/{id}" }];
  expect(gatewayProblems("aws", grown, awsServedRoutes(aws))).toEqual([
    "aws: POST /v1/files is not routed",
    "aws: DELETE /v1/files/{id} is not routed",
    "aws: OPTIONS /v1/files (CORS preflight) is not routed",
    "aws: OPTIONS /v1/files/{id} (CORS preflight) is not routed",
  ]);
  expect(gatewayProblems("oci", grown, ociServedRoutes(oci))).toContain("oci: POST /v1/files is not routed");
  // …and when a gateway keeps a route the app dropped.
  const shrunk = served.filter((route) => route.path !== "/health");
  expect(gatewayProblems("oci", shrunk, ociServedRoutes(oci))).toContain("oci: routes GET /health, which the app does not serve");
});
