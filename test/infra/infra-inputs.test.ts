import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { awsResourcePath, streamingInvokeUri } from "../../infra/aws/proxy-rest-api";
import { ociLogRetention } from "../../infra/oci/oci-stack";
import { ocirRegistry } from "../../infra/oci/ocir-registry";
import { readInfraConfig } from "../../infra/shared/read-infra-config";
import { awsRateExpression, ociCronExpression } from "../../infra/shared/schedule-expression";
import { awsOptionsFrom, ociOptionsFrom, settingLookup, REPO_ROOT } from "../../infra/shared/stack-options";
import { EXAMPLE_CONFIG, writeDeployConfig } from "./helpers";

describe("readInfraConfig", () => {
  test("reads what infra needs from the example config", () => {
    const config = readInfraConfig(EXAMPLE_CONFIG);
    expect(config.mode).toBe("multi");
    expect(config.accounts.map((a) => [a.id, a.region, a.auth])).toEqual([
      ["primary_us_phoenix", "us-phoenix-1", "api_key"],
      ["secondary_us_chicago", "us-chicago-1", "api_key"],
      ["backup_eu_frankfurt", "eu-frankfurt-1", "api_key"],
    ]);
    // key_file is relative to the config's folder, and is not required to exist.
    expect(config.accounts[0].keyFile).toBe(join(REPO_ROOT, "config", "1.pem"));
    expect(config.healthCheckIntervalMs).toBe(30_000);
    expect(config.apiKey).toEqual({ generate: true });
    expect(config.corsOrigins).toEqual(["*"]);
  });

  test("has no side effects: a placeholder api_key is reported, not written back", () => {
    const { file } = writeDeployConfig();
    const before = readFileSync(file, "utf8");
    const mtime = statSync(file).mtimeMs;
    const config = readInfraConfig(file);
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

  test("reads the single-account layout too", () => {
    const dir = mkdtempSync(join(tmpdir(), "ociai-infra-"));
    try {
      const file = join(dir, "config.conf");
      writeFileSync(file, "[DEFAULT]\nuser = u\nfingerprint = f\nkey_file = ~/.oci/key.pem\ntenancy = t\nregion = ap-tokyo-1\nhealth_check_interval = 2m\n");
      const config = readInfraConfig(file);
      expect(config.mode).toBe("single");
      expect(config.accounts).toEqual([expect.objectContaining({ id: "default", region: "ap-tokyo-1", auth: "api_key" })]);
      expect(config.accounts[0].keyFile).toMatch(/\/\.oci\/key\.pem$/);
      expect(config.apiKey).toEqual({ generate: true });
      expect(config.healthCheckIntervalMs).toBe(120_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("fails clearly on a missing file, a missing region or a duplicate id", () => {
    expect(() => readInfraConfig("/nonexistent/multi_config.conf")).toThrow(/cannot read the proxy config/);
    const dir = mkdtempSync(join(tmpdir(), "ociai-infra-"));
    try {
      const file = join(dir, "multi_config.conf");
      writeFileSync(file, "[ACCOUNT_1]\nid = a\n");
      expect(() => readInfraConfig(file)).toThrow("[ACCOUNT_1] region is required");
      writeFileSync(file, "[ACCOUNT_1]\nid = a\nregion = r\n[ACCOUNT_2]\nid = a\nregion = r\n");
      expect(() => readInfraConfig(file)).toThrow('duplicate account id "a"');
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
    [30_000, "* * * * *"],
    [120_000, "*/2 * * * *"],
    [7 * 60_000, "*/10 * * * *"],
    [45 * 60_000, "0 * * * *"],
    [3_600_000, "0 * * * *"],
    [5 * 3_600_000, "0 */6 * * *"],
    [48 * 3_600_000, "0 0 * * *"],
  ])("OCI Resource Scheduler cron: %i ms → %s", (ms, expression) => {
    expect(ociCronExpression(ms)).toBe(expression);
  });
});

describe("small translations", () => {
  test("routes, URIs, registry hosts, log retention", () => {
    expect(awsResourcePath("/stats/*")).toBe("/stats/{proxy+}");
    expect(awsResourcePath("/health")).toBe("/health");
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
