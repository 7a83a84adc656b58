import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { permissionPath, streamingInvokeUri } from "../../infra/aws/proxy-rest-api";
import { ociLogRetention, ociRoutePath } from "../../infra/oci/oci-stack";
import { ocirRegistry } from "../../infra/oci/ocir-registry";
import { loadInfraConfig } from "../../infra/shared/load-infra-config";
import { awsRateExpression, ociCronExpression } from "../../infra/shared/schedule-expression";
import { awsOptionsFrom, ociOptionsFrom, settingLookup, REPO_ROOT } from "../../infra/shared/stack-options";
import { EXAMPLE_CONFIG, TEST_KEY_FINGERPRINT, TEST_KEY_PEM, exampleConfigWithKeys, writeDeployConfig } from "./helpers";

describe("loadInfraConfig (the start-up checks, nothing written)", () => {
  test("reads what infra needs from the example config", async () => {
    const file = exampleConfigWithKeys();
    const config = await loadInfraConfig(file);
    expect(config.proxy.mode).toBe("multi");
    expect(config.accounts.map((a) => [a.id, a.region, a.auth])).toEqual([
      ["primary_us_phoenix", "us-phoenix-1", "api_key"],
      ["secondary_us_chicago", "us-chicago-1", "api_key"],
      ["backup_eu_frankfurt", "eu-frankfurt-1", "api_key"],
    ]);
    // key_file is relative to the config's folder.
    expect(config.accounts[0].keyFile).toBe(join(file, "..", "1.pem"));
    expect(config.healthCheckIntervalMs).toBe(30_000);
    expect(config.apiKey).toEqual({ generate: true });
  });

  test("has no side effects: a placeholder api_key is reported, not written back", async () => {
    const { file } = writeDeployConfig();
    const before = readFileSync(file, "utf8");
    const mtime = statSync(file).mtimeMs;
    const config = await loadInfraConfig(file);
    expect(config.apiKey).toEqual({ generate: true });
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(config.accounts.map((a) => [a.id, a.auth, a.inlineKey, a.compartmentId])).toEqual([
      ["home_chicago", "resource_principal", false, "ocid1.tenancy.oc1..aaaahome"],
      ["partner_frankfurt", "api_key", false, "ocid1.compartment.oc1..aaaapartnergenai"],
      ["inline_ashburn", "api_key", true, "ocid1.tenancy.oc1..aaaainline"],
    ]);
    expect(config.healthCheckIntervalMs).toBe(600_000);
  });

  test("reads the single-account layout too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ociai-infra-"));
    try {
      const file = join(dir, "config.conf");
      writeFileSync(join(dir, "key.pem"), TEST_KEY_PEM);
      writeFileSync(file, `[DEFAULT]\nuser = u\nfingerprint = ${TEST_KEY_FINGERPRINT}\nkey_file = ./key.pem\ntenancy = t\nregion = ap-tokyo-1\nhealth_check_interval = 2m\n[MODELS]\ngrok-4 = xai.grok-4\n`);
      const config = await loadInfraConfig(file);
      expect(config.proxy.mode).toBe("single");
      expect(config.accounts).toEqual([expect.objectContaining({ id: "default", region: "ap-tokyo-1", auth: "api_key", keyFile: join(dir, "key.pem") })]);
      expect(config.apiKey).toEqual({ generate: true });
      expect(config.healthCheckIntervalMs).toBe(120_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("fails with the CLI's one-line errors: missing file, bad value, missing or unusable key file", async () => {
    await expect(loadInfraConfig("/nonexistent/multi_config.conf")).rejects.toThrow("/nonexistent/multi_config.conf: file not found: /nonexistent/multi_config.conf");
    const dir = mkdtempSync(join(tmpdir(), "ociai-infra-"));
    try {
      const file = join(dir, "multi_config.conf");
      const account = `[ACCOUNT_1]\nid = a\nuser = u\nfingerprint = ${TEST_KEY_FINGERPRINT}\nkey_file = ./a.pem\ntenancy = t\nregion = us-chicago-1\n`;
      writeFileSync(file, `[MODELS]\ngrok-4 = xai.grok-4\n${account}weight = abc\n`);
      await expect(loadInfraConfig(file)).rejects.toThrow('[ACCOUNT_1] weight: expected a positive integer, got "abc"');
      writeFileSync(file, `[MODELS]\ngrok-4 = xai.grok-4\n${account}`);
      await expect(loadInfraConfig(file)).rejects.toThrow(/\[ACCOUNT_1\] key_file: file not found: .*a\.pem/);
      // Given as a secret out of band: the key file is not needed here.
      await expect(loadInfraConfig(file, ["a"])).resolves.toMatchObject({ accounts: [{ id: "a", keyFile: undefined }] });
      writeFileSync(join(dir, "a.pem"), "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
      await expect(loadInfraConfig(file)).rejects.toThrow(/\[ACCOUNT_1\] key_file: .*a\.pem could not be read as a private key/);
      writeFileSync(join(dir, "a.pem"), TEST_KEY_PEM);
      writeFileSync(file, `[MODELS]\ngrok-4 = xai.grok-4\n${account.replace("us-chicago-1", "mars-north-1")}`);
      await expect(loadInfraConfig(file)).rejects.toThrow(/\[ACCOUNT_1\] region: unknown OCI region "mars-north-1"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("schedule expressions", () => {
  test.each([
    [30_000, "rate(1 minute)"],
    [60_000, "rate(1 minute)"],
    [90_000, "rate(2 minutes)"],
    [3_600_000, "rate(1 hour)"],
    [7_200_000, "rate(2 hours)"],
    [86_400_000, "rate(1 day)"],
  ])("EventBridge Scheduler: %i ms → %s", (ms, expression) => {
    expect(awsRateExpression(ms)).toBe(expression);
  });

  test.each([
    [30_000, "0 * * * *"],
    [7 * 60_000, "0 * * * *"],
    [3_600_000, "0 * * * *"],
    [90 * 60_000, "0 */2 * * *"],
    [5 * 3_600_000, "0 */6 * * *"],
    [13 * 3_600_000, "0 0 * * *"],
    [48 * 3_600_000, "0 0 * * *"],
  ])("OCI Resource Scheduler cron (hourly at most): %i ms → %s", (ms, expression) => {
    expect(ociCronExpression(ms)).toBe(expression);
  });
});

describe("small translations", () => {
  test("routes, URIs, registry hosts, log retention", () => {
    expect(permissionPath("/v1/models/{id+}")).toBe("/v1/models/*");
    expect(permissionPath("/v1/responses/{id}/cancel")).toBe("/v1/responses/*/cancel");
    expect(ociRoutePath("/v1/models/{id+}")).toBe("/v1/models/{id*}");
    expect(ociRoutePath("/v1/responses/{id}")).toBe("/v1/responses/{id}");
    expect(streamingInvokeUri("eu-west-1", "ARN")).toBe("arn:aws:apigateway:eu-west-1:lambda:path/2021-11-15/functions/ARN/response-streaming-invocations");
    expect(ocirRegistry("us-chicago-1")).toBe("ord.ocir.io");
    expect(ocirRegistry("xx-newregion-1")).toBe("ocir.xx-newregion-1.oci.oraclecloud.com");
    expect([1, 30, 31, 365].map(ociLogRetention)).toEqual([30, 30, 60, 180]);
  });
});

describe("stack options", () => {
  test("environment wins over cdktf context; defaults work on a fresh clone", () => {
    const context: Record<string, unknown> = { awsRegion: "eu-west-1", namePrefix: "from-context", ociAccountKeySecretOcids: { a: "ocid1.vaultsecret.oc1..a" } };
    const env = { OCIAI_NAME_PREFIX: "from-env" } as NodeJS.ProcessEnv;
    const lookup = settingLookup(env, (key) => context[key]);
    const aws = awsOptionsFrom(lookup, env);
    expect(aws).toMatchObject({ region: "eu-west-1", namePrefix: "from-env", stageName: "prod", logRetentionDays: 14, accountKeySecretArns: {} });
    expect(aws.configFile).toBe(join(REPO_ROOT, "config", "multi_config.conf"));
    expect(aws.distDir).toBe(join(REPO_ROOT, "dist"));
    const oci = ociOptionsFrom(lookup);
    expect(oci).toMatchObject({ bootstrap: false, functionsShape: "GENERIC_X86", accountKeySecretOcids: { a: "ocid1.vaultsecret.oc1..a" } });
    expect(oci.imageTag).toBe(JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")).version);
  });

  test("AWS region falls back to AWS_REGION; bad JSON maps are rejected", () => {
    const env = { AWS_REGION: "ap-south-1", OCIAI_AWS_ACCOUNT_KEY_SECRET_ARNS: "[1]" } as NodeJS.ProcessEnv;
    const lookup = settingLookup(env, () => undefined);
    expect(() => awsOptionsFrom(lookup, env)).toThrow(/awsAccountKeySecretArns: expected a JSON object/);
    const ok = { AWS_REGION: "ap-south-1", OCIAI_OCI_BOOTSTRAP: "1" } as NodeJS.ProcessEnv;
    expect(awsOptionsFrom(settingLookup(ok, () => undefined), ok).region).toBe("ap-south-1");
    expect(ociOptionsFrom(settingLookup(ok, () => undefined)).bootstrap).toBe(true);
  });

  test("the example config exists where the default points", () => {
    expect(existsSync(EXAMPLE_CONFIG)).toBe(true);
  });
});
