import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../shared/config/load-config";
import type { ProxyConfig } from "../../shared/config/types";
import { TEST_KEY_FINGERPRINT, TEST_KEY_PEM, FIXTURES, cleanupTmpDirs, makeTmpDir, withTestFingerprints, writeFiles } from "./helpers/tmp-files";

// The two INI examples from the spec, byte for byte (inline comments, trailing spaces) except
// for what a user must fill in anyway: the fingerprints (checked against the key) and the
// multi-account example's api_key (an example key is refused). As shipped, both are refused.
afterAll(cleanupTmpDirs);

const REAL_KEY = "sk-spec-0123456789abcdef";
const specFile = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const filledIn = (name: string) => withTestFingerprints(specFile(name)).replace("multi_account_proxy_key", REAL_KEY);

const SPEC_MODELS = [
  ["grok-4", "xai.grok-4"],
  ["grok-3", "xai.grok-3"],
  ["grok-3-mini", "xai.grok-3-mini"],
  ["grok-3-fast", "xai.grok-3-fast"],
  ["grok-3-mini-fast", "xai.grok-3-mini-fast"],
];

const DEFAULT_BREAKER = {
  maxFailures: 5,
  resetTimeoutMs: 60_000,
  failureRate: 0.6,
  minRequests: 10,
  windowMs: 60_000,
  halfOpenProbes: 1,
};

const DEFAULT_SERVER = {
  forceNonStream: false,
  defaultMaxTokens: 4000,
  keepAliveIntervalMs: 15_000,
  corsOrigins: ["*"],
  maxBodyBytes: 10 * 1024 * 1024,
  statsPublic: false,
  responsesTtlMs: 30 * 86_400_000,
  clientTimeoutMs: 30_000,
  maxConnections: 4096,
};

describe("spec example config.conf (single account)", () => {
  let dir: string;
  let config: ProxyConfig;

  beforeAll(() => {
    dir = makeTmpDir();
    writeFiles(dir, { "your_private_key.pem": TEST_KEY_PEM });
    writeFiles(dir, { "config.conf": filledIn("spec-config.conf") });
    config = loadConfig(join(dir, "config.conf"), { multiAccount: false });
  });

  test("top level", () => {
    expect(config.file).toBe(join(dir, "config.conf"));
    expect(config.mode).toBe("single");
    expect(config.warnings).toEqual([]);
  });

  test("the auto_generated_key placeholder is replaced by a generated key", () => {
    expect(config.apiKeyGenerated).toBe(true);
    expect(config.apiKey).toMatch(/^sk-oci-[A-Za-z0-9_-]{32}$/);
  });

  test("the [DEFAULT] account", () => {
    expect(config.accounts).toEqual([
      {
        id: "default",
        section: "DEFAULT",
        auth: "api_key",
        user: "ocid1.user.oc1..your_user_ocid",
        fingerprint: TEST_KEY_FINGERPRINT, // the spec's trailing spaces are trimmed
        keyFile: join(dir, "your_private_key.pem"),
        tenancy: "ocid1.tenancy.oc1..your_tenancy_ocid",
        compartmentId: "ocid1.tenancy.oc1..your_tenancy_ocid",
        region: "us-phoenix-1",
        weight: 1,
        maxConcurrency: 0,
        enabled: true,
      },
    ]);
    const [account] = config.accounts;
    expect(account.keyContent).toBeUndefined();
    expect(account.passPhrase).toBeUndefined();
    expect(account.endpoint).toBeUndefined();
  });

  test("server settings, inline comments stripped", () => {
    expect(config.server).toEqual(DEFAULT_SERVER);
  });

  test("models in file order, commented-out examples not included", () => {
    expect([...config.models]).toEqual(SPEC_MODELS);
  });

  test("pool and breaker defaults (one attempt with one account)", () => {
    expect(config.pool).toEqual({
      globalMaxConcurrency: 0,
      queueSize: 1000,
      retryAttempts: 1,
      strategy: "round_robin",
      healthCheckIntervalMs: 30_000,
      requestTimeoutMs: 60_000,
      streamIdleTimeoutMs: 120_000,
      nonStreamTimeoutMs: 300_000,
      healthCheckModel: undefined,
    });
    expect(config.breaker).toEqual(DEFAULT_BREAKER);
  });
});

describe("spec example multi_config.conf", () => {
  let dir: string;
  let config: ProxyConfig;

  beforeAll(() => {
    dir = makeTmpDir();
    writeFiles(dir, { "1.pem": TEST_KEY_PEM, "2.pem": TEST_KEY_PEM, "3.pem": TEST_KEY_PEM });
    writeFiles(dir, { "multi_config.conf": filledIn("spec-multi_config.conf") });
    config = loadConfig(join(dir, "multi_config.conf"), { multiAccount: true });
  });

  test("top level: root api_key kept, file untouched", () => {
    expect(config.file).toBe(join(dir, "multi_config.conf"));
    expect(config.mode).toBe("multi");
    expect(config.apiKey).toBe(REAL_KEY);
    expect(config.apiKeyGenerated).toBe(false);
    expect(config.warnings).toEqual([]);
    expect(readFileSync(join(dir, "multi_config.conf"), "utf8")).toBe(filledIn("spec-multi_config.conf"));
  });

  test("[GLOBAL] pool settings", () => {
    expect(config.pool).toEqual({
      globalMaxConcurrency: 200,
      queueSize: 2000,
      retryAttempts: 3,
      strategy: "round_robin",
      healthCheckIntervalMs: 30_000,
      requestTimeoutMs: 60_000,
      streamIdleTimeoutMs: 120_000,
      nonStreamTimeoutMs: 300_000,
      healthCheckModel: undefined,
    });
  });

  test("[GLOBAL] server settings", () => {
    expect(config.server).toEqual(DEFAULT_SERVER);
  });

  test("models", () => {
    expect([...config.models]).toEqual(SPEC_MODELS);
  });

  test("accounts in file order", () => {
    const account = (n: number, id: string, fingerprint: string, region: string, weight: number, maxConcurrency: number) => ({
      id,
      section: `ACCOUNT_${n}`,
      auth: "api_key",
      user: `ocid1.user.oc1..xxxxx${n}`,
      fingerprint,
      keyFile: join(dir, `${n}.pem`),
      tenancy: `ocid1.tenancy.oc1..xxxxx${n}`,
      compartmentId: `ocid1.tenancy.oc1..xxxxx${n}`,
      region,
      weight,
      maxConcurrency,
      enabled: true,
    });
    expect(config.accounts).toEqual([
      account(1, "primary_us_phoenix", TEST_KEY_FINGERPRINT, "us-phoenix-1", 3, 50),
      account(2, "secondary_us_chicago", TEST_KEY_FINGERPRINT, "us-chicago-1", 2, 30),
      account(3, "backup_eu_frankfurt", TEST_KEY_FINGERPRINT, "eu-frankfurt-1", 1, 20),
    ]);
  });

  test("[CIRCUIT_BREAKER]", () => {
    expect(config.breaker).toEqual(DEFAULT_BREAKER);
  });
});

describe("the spec's examples as written are refused, each with the reason", () => {
  test("config.conf: the placeholder fingerprint is not the key's", () => {
    const dir = makeTmpDir();
    writeFiles(dir, { "config.conf": specFile("spec-config.conf"), "your_private_key.pem": TEST_KEY_PEM });
    expect(() => loadConfig(join(dir, "config.conf"), { multiAccount: false })).toThrow(
      /config\.conf \[DEFAULT\] fingerprint: your_key_fingerprint is not the fingerprint of .*your_private_key\.pem \(that is [0-9a-f:]{47}\); OCI would refuse every call \(401\)/,
    );
  });

  test("multi_config.conf: the example API key", () => {
    const dir = makeTmpDir();
    writeFiles(dir, { "multi_config.conf": withTestFingerprints(specFile("spec-multi_config.conf")), "1.pem": TEST_KEY_PEM, "2.pem": TEST_KEY_PEM, "3.pem": TEST_KEY_PEM });
    expect(() => loadConfig(join(dir, "multi_config.conf"), { multiAccount: true })).toThrow(
      /multi_config\.conf api_key: "multi_account_proxy_key" is an example key from the documentation, so anyone could use it; set api_key = auto_generated_key/,
    );
  });
});
