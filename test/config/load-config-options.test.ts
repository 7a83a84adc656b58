import { mkdirSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { loadConfig } from "../../shared/config/load-config";
import type { ProxyConfig } from "../../shared/config/types";
import { TEST_KEY_FINGERPRINT, TEST_KEY_PEM, encryptedTestKeyPem, cleanupTmpDirs, makeTmpDir, renderIni, writeFiles } from "./helpers/tmp-files";

// The keys beyond the spec's examples, the top-level/[DEFAULT] equivalence and the warnings.
const API_KEY = "sk-test-0123456789abcdef";
let dir: string;

beforeEach(() => {
  dir = makeTmpDir();
  writeFiles(dir, { "key.pem": TEST_KEY_PEM });
});
afterAll(cleanupTmpDirs);

function load(name: string, text: string, multiAccount: boolean): ProxyConfig {
  return loadConfig(writeFiles(dir, { [name]: text }), { multiAccount });
}

const apiKeyAccount = {
  user: "ocid1.user.oc1..u",
  fingerprint: TEST_KEY_FINGERPRINT,
  key_file: "key.pem",
  tenancy: "ocid1.tenancy.oc1..t",
  region: "us-chicago-1",
};

test("every extra server and pool key, in a single-account [DEFAULT]", () => {
  const config = load(
    "config.conf",
    renderIni({
      DEFAULT: {
        ...apiKeyAccount,
        api_key: API_KEY,
        force_non_stream: "yes",
        default_max_tokens: "8192",
        keep_alive_interval: "0",
        cors_origins: "https://App.example.com, http://localhost:3000/",
        max_body_size: "512kb",
        stats_public: "1",
        responses_ttl: "7d",
        client_timeout: "45s",
        max_connections: "0",
        stream_idle_timeout: "1m30s",
        non_stream_timeout: "10m",
        health_check_model: "grok-4",
        global_max_concurrency: "8",
        queue_size: "0",
        retry_attempts: "2",
        load_balance_strategy: "least_connections",
        health_check_interval: "250ms",
        request_timeout: "2m",
        max_concurrency: "4",
      },
      MODELS: { "grok-4": "xai.grok-4" },
    }),
    false,
  );
  expect(config.server).toEqual({
    forceNonStream: true,
    defaultMaxTokens: 8192,
    keepAliveIntervalMs: 0,
    corsOrigins: ["https://app.example.com", "http://localhost:3000"],
    maxBodyBytes: 512 * 1024,
    statsPublic: true,
    responsesTtlMs: 7 * 86_400_000,
    clientTimeoutMs: 45_000,
    maxConnections: 0,
  });
  expect(config.pool).toEqual({
    globalMaxConcurrency: 8,
    queueSize: 0,
    retryAttempts: 2,
    strategy: "least_connections",
    healthCheckIntervalMs: 250,
    requestTimeoutMs: 120_000,
    streamIdleTimeoutMs: 90_000,
    nonStreamTimeoutMs: 600_000,
    healthCheckModel: "grok-4",
  });
  expect(config.accounts[0].maxConcurrency).toBe(4);
  expect(config.warnings).toEqual([]);
});

test("single-account files also read [GLOBAL] and [CIRCUIT_BREAKER]; [DEFAULT] wins over [GLOBAL]", () => {
  const config = load(
    "config.conf",
    renderIni({
      DEFAULT: { ...apiKeyAccount, api_key: API_KEY, queue_size: "5" },
      GLOBAL: { queue_size: "7", retry_attempts: "4", max_body_size: "1mb" },
      MODELS: { "grok-4": "xai.grok-4" },
      CIRCUIT_BREAKER: { max_failures: "2", window: "30s", half_open_probes: "3", failure_rate: ".5" },
    }),
    false,
  );
  expect(config.pool).toMatchObject({ queueSize: 5, retryAttempts: 4 });
  expect(config.server.maxBodyBytes).toBe(1024 * 1024);
  expect(config.breaker).toMatchObject({ maxFailures: 2, windowMs: 30_000, halfOpenProbes: 3, failureRate: 0.5 });
  expect(config.warnings).toEqual([
    `${join(dir, "config.conf")} [GLOBAL] queue_size is also set in [DEFAULT], which wins (ignored)`,
  ]);
});

test("keys before any section count as [DEFAULT] (as in go-ini)", () => {
  const config = load(
    "config.conf",
    `${renderIni({ "": { ...apiKeyAccount, api_key: API_KEY } })}[MODELS]\ngrok-4 = xai.grok-4\n`,
    false,
  );
  expect(config.accounts[0]).toMatchObject({ id: "default", section: "DEFAULT", region: "us-chicago-1" });
  expect(config.apiKey).toBe(API_KEY);
});

test("per-account extras: endpoint, compartment_id, key_content, pass_phrase, id", () => {
  const encrypted = encryptedTestKeyPem("p#ss;word");
  // INI values are one line: the PEM's line breaks are written as "\n".
  const pem = encrypted.trimEnd().replace(/\n/g, "\\n");
  const config = load(
    "multi_config.conf",
    renderIni({
      "": { api_key: API_KEY },
      MODELS: { "grok-4": "xai.grok-4" },
      ACCOUNT_eu: {
        user: "ocid1.user.oc1..u",
        fingerprint: TEST_KEY_FINGERPRINT,
        tenancy: "ocid1.tenancy.oc1..t",
        region: "eu-frankfurt-1",
        key_content: pem,
        pass_phrase: '"p#ss;word"',
        compartment_id: "ocid1.compartment.oc1..c",
        endpoint: "http://127.0.0.1:9000/",
        weight: "+2",
        enabled: "YES",
      },
    }),
    true,
  );
  expect(config.accounts).toEqual([
    {
      id: "ACCOUNT_eu",
      section: "ACCOUNT_eu",
      auth: "api_key",
      user: "ocid1.user.oc1..u",
      fingerprint: TEST_KEY_FINGERPRINT,
      tenancy: "ocid1.tenancy.oc1..t",
      compartmentId: "ocid1.compartment.oc1..c",
      region: "eu-frankfurt-1",
      keyContent: encrypted.trimEnd(),
      passPhrase: "p#ss;word",
      endpoint: "http://127.0.0.1:9000",
      weight: 2,
      maxConcurrency: 0,
      enabled: true,
    },
  ]);
  expect(config.pool.retryAttempts).toBe(3);
});

test("principal auth needs no user, fingerprint or key; keys given anyway are flagged", () => {
  const config = load(
    "multi_config.conf",
    renderIni({
      "": { api_key: API_KEY },
      MODELS: { "grok-4": "xai.grok-4" },
      ACCOUNT_1: { auth: "instance_principal", compartment_id: "ocid1.compartment.oc1..c", region: "us-ashburn-1" },
      ACCOUNT_2: { auth: "resource_principal", tenancy: "ocid1.tenancy.oc1..t", region: "us-ashburn-1", key_file: "nope.pem" },
    }),
    true,
  );
  expect(config.accounts).toEqual([
    expect.objectContaining({ auth: "instance_principal", tenancy: "", compartmentId: "ocid1.compartment.oc1..c" }),
    expect.objectContaining({ auth: "resource_principal", tenancy: "ocid1.tenancy.oc1..t", compartmentId: "ocid1.tenancy.oc1..t" }),
  ]);
  expect(config.accounts[1].keyFile).toBeUndefined();
  expect(config.warnings).toEqual([
    `${join(dir, "multi_config.conf")} [ACCOUNT_2] key_file is not used with auth = resource_principal (ignored)`,
  ]);
});

test("key_file: ~/ is the home folder, relative paths are relative to the config file", () => {
  const home = makeTmpDir();
  mkdirSync(join(home, ".oci"));
  writeFiles(join(home, ".oci"), { "oci_api_key.pem": TEST_KEY_PEM });
  mkdirSync(join(dir, "keys"));
  writeFiles(join(dir, "keys"), { "2.pem": TEST_KEY_PEM });
  // Jest's process.env is not the real environment, so HOME cannot be changed for os.homedir().
  const homedir = jest.spyOn(os, "homedir").mockReturnValue(home);
  try {
    const config = load(
      "multi_config.conf",
      renderIni({
        "": { api_key: API_KEY },
        MODELS: { "grok-4": "xai.grok-4" },
        ACCOUNT_1: { ...apiKeyAccount, key_file: "~/.oci/oci_api_key.pem" },
        ACCOUNT_2: { ...apiKeyAccount, key_file: "keys/2.pem" },
        ACCOUNT_3: { ...apiKeyAccount, key_file: join(dir, "key.pem") },
      }),
      true,
    );
    expect(config.accounts.map((a) => a.keyFile)).toEqual([
      join(home, ".oci", "oci_api_key.pem"),
      join(dir, "keys", "2.pem"),
      join(dir, "key.pem"),
    ]);
  } finally {
    homedir.mockRestore();
  }
});

test("models keep file order, numeric-looking names included, OCIDs accepted", () => {
  const config = load(
    "config.conf",
    [
      "[DEFAULT]",
      ...Object.entries({ ...apiKeyAccount, api_key: API_KEY }).map(([k, v]) => `${k} = ${v}`),
      "[MODELS]",
      "llama-3.3-70b = meta.llama-3.3-70b-instruct",
      "4 = xai.grok-4",
      "command-a = cohere.command-a-03-2025",
      "gpt-oss-120b = openai.gpt-oss-120b",
      "gemini-2.5-flash = google.gemini-2.5-flash",
      "my-dedicated = ocid1.generativeaiendpoint.oc1.us-chicago-1.amaaaaaabc123",
      "my-finetune = ocid1.generativeaimodel.oc1.us-chicago-1.amaaaaaadef456",
    ].join("\n"),
    false,
  );
  expect([...config.models.keys()]).toEqual([
    "llama-3.3-70b",
    "4",
    "command-a",
    "gpt-oss-120b",
    "gemini-2.5-flash",
    "my-dedicated",
    "my-finetune",
  ]);
  expect(config.models.get("my-dedicated")).toBe("ocid1.generativeaiendpoint.oc1.us-chicago-1.amaaaaaabc123");
});

test("tolerates a BOM, CRLF line ends, indented headers and comments after headers", () => {
  const text = [
    "\uFEFF[DEFAULT]   # the account",
    ...Object.entries({ ...apiKeyAccount, api_key: API_KEY }).map(([k, v]) => `  ${k} = ${v}`),
    "  [MODELS] ; mappings",
    "grok-4 = xai.grok-4",
    "",
  ].join("\r\n");
  const config = load("config.conf", text, false);
  expect(config.accounts[0]).toMatchObject({ region: "us-chicago-1", keyFile: join(dir, "key.pem") });
  expect([...config.models]).toEqual([["grok-4", "xai.grok-4"]]);
  expect(config.warnings).toEqual([]);
});

describe("warnings", () => {
  const where = (rest: string) => `${join(dir, "multi_config.conf")} ${rest}`;
  const multi = (extra: Record<string, Record<string, string>>) =>
    load(
      "multi_config.conf",
      renderIni({
        "": { api_key: API_KEY },
        MODELS: { "grok-4": "xai.grok-4" },
        ACCOUNT_1: apiKeyAccount,
        ...extra,
      }),
      true,
    ).warnings;

  test("a misspelt key, with a suggestion", () => {
    expect(multi({ GLOBAL: { retry_attemps: "5" } })).toEqual([
      where('[GLOBAL] unknown key "retry_attemps" (ignored; did you mean "retry_attempts"?)'),
    ]);
  });

  test("a key in the wrong section says where it belongs", () => {
    expect(multi({ GLOBAL: { max_failures: "3", weight: "2", api_key: "x" } })).toEqual([
      where('[GLOBAL] unknown key "max_failures" (ignored; it belongs in [CIRCUIT_BREAKER])'),
      where('[GLOBAL] unknown key "weight" (ignored; it belongs in an [ACCOUNT_*] section)'),
      where('[GLOBAL] unknown key "api_key" (ignored; it belongs at the top of the file, before any section)'),
    ]);
  });

  test("an unknown key with no close match", () => {
    expect(multi({ CIRCUIT_BREAKER: { colour: "red" } })).toEqual([where('[CIRCUIT_BREAKER] unknown key "colour" (ignored)')]);
  });

  test("unknown sections, with a suggestion", () => {
    expect(multi({ ACOUNT_2: apiKeyAccount, Global: {}, EXTRA: {} })).toEqual([
      where("[ACOUNT_2] unknown section (ignored; did you mean [ACCOUNT_2]?)"),
      where("[Global] unknown section (ignored; did you mean [GLOBAL]?)"),
      where("[EXTRA] unknown section (ignored)"),
    ]);
  });

  test("a repeated key, a repeated non-account section, a line without a key", () => {
    const text = renderIni({ "": { api_key: API_KEY }, MODELS: { "grok-4": "xai.grok-4" }, ACCOUNT_1: apiKeyAccount });
    const extra = "[MODELS]\ngrok-4 = xai.grok-4-fast\n= orphan value\n";
    const config = load("multi_config.conf", text + extra, true);
    const lines = (text + extra).split("\n");
    const n = (line: string, from = 0) => lines.indexOf(line, from) + 1;
    expect(config.models.get("grok-4")).toBe("xai.grok-4-fast");
    expect(config.warnings).toEqual([
      where(`[MODELS] section appears twice (lines ${n("[MODELS]")} and ${n("[MODELS]", n("[MODELS]"))}); their keys are merged`),
      where(
        `[MODELS] grok-4 is set twice (lines ${n("grok-4 = xai.grok-4")} and ${n("grok-4 = xai.grok-4-fast")}); the last one wins`,
      ),
      `${join(dir, "multi_config.conf")} line ${n("= orphan value")}: not a "key = value" line (ignored)`,
    ]);
  });

  test("single-account: a misspelt [DEFAULT] key is reported once", () => {
    const config = load(
      "config.conf",
      renderIni({
        DEFAULT: { ...apiKeyAccount, api_key: API_KEY, default_max_token: "100", max_failures: "2" },
        MODELS: { "grok-4": "xai.grok-4" },
      }),
      false,
    );
    expect(config.warnings).toEqual([
      `${join(dir, "config.conf")} [DEFAULT] unknown key "default_max_token" (ignored; did you mean "default_max_tokens"?)`,
      `${join(dir, "config.conf")} [DEFAULT] unknown key "max_failures" (ignored; it belongs in [CIRCUIT_BREAKER])`,
    ]);
  });

  test("[ACCOUNT_*] sections in a single-account file", () => {
    const config = load(
      "config.conf",
      renderIni({ DEFAULT: { ...apiKeyAccount, api_key: API_KEY }, MODELS: { "grok-4": "xai.grok-4" }, ACCOUNT_1: apiKeyAccount }),
      false,
    );
    expect(config.warnings).toEqual([
      `${join(dir, "config.conf")} [ACCOUNT_1] section is only read in multi-account mode (ignored)`,
    ]);
  });

  test("a short api_key and OCIDs of the wrong kind", () => {
    const config = load(
      "config.conf",
      renderIni({
        DEFAULT: { ...apiKeyAccount, user: "ocid1.tenancy.oc1..t", compartment_id: "ocid1.user.oc1..u", api_key: "secret" },
        MODELS: { "grok-4": "xai.grok-4" },
      }),
      false,
    );
    const at = (rest: string) => `${join(dir, "config.conf")} [DEFAULT] ${rest}`;
    expect(config.warnings).toEqual([
      at('user does not look like a user OCID (expected ocid1.user.…), got "ocid1.tenancy.oc1..t"'),
      at('compartment_id does not look like a compartment OCID (expected ocid1.compartment.…), got "ocid1.user.oc1..u"'),
      at("api_key is only 6 characters long; use at least 16 random characters"),
    ]);
  });
});
