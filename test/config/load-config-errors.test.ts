import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../shared/config/config-error";
import { loadConfig } from "../../shared/config/load-config";
import { TEST_KEY_FINGERPRINT, TEST_KEY_PEM, TEST_KEY_PUBLIC_PEM, encryptedTestKeyPem, cleanupTmpDirs, makeTmpDir, renderIni, writeFiles } from "./helpers/tmp-files";

// Every validation error, with its exact message. Tests run inside the temp folder and
// pass bare file names, so messages read as the user would see them.
type Sections = Record<string, Record<string, string>>;

const API_KEY = "sk-test-0123456789abcdef";

function singleBase(): Sections {
  return {
    DEFAULT: {
      user: "ocid1.user.oc1..aaaa",
      fingerprint: TEST_KEY_FINGERPRINT,
      key_file: "./key.pem",
      tenancy: "ocid1.tenancy.oc1..aaaa",
      region: "us-chicago-1",
      api_key: API_KEY,
    },
    MODELS: { "grok-4": "xai.grok-4" },
  };
}

function account(n: number): Record<string, string> {
  return {
    id: `acct${n}`,
    user: `ocid1.user.oc1..u${n}`,
    fingerprint: TEST_KEY_FINGERPRINT,
    key_file: `./${n}.pem`,
    tenancy: `ocid1.tenancy.oc1..t${n}`,
    region: "us-chicago-1",
  };
}

function multiBase(): Sections {
  return {
    "": { api_key: API_KEY },
    GLOBAL: { queue_size: "10" },
    MODELS: { "grok-4": "xai.grok-4" },
    ACCOUNT_1: account(1),
    ACCOUNT_2: account(2),
    CIRCUIT_BREAKER: { max_failures: "5" },
  };
}

let dir: string;
let cwd: string;
beforeEach(() => {
  dir = makeTmpDir();
  writeFiles(dir, { "key.pem": TEST_KEY_PEM, "1.pem": TEST_KEY_PEM, "2.pem": TEST_KEY_PEM });
  cwd = process.cwd();
  process.chdir(dir);
});
afterEach(() => process.chdir(cwd));
afterAll(cleanupTmpDirs);

function loadSingle(edit: (s: Sections) => void): () => unknown {
  const sections = singleBase();
  edit(sections);
  writeFiles(dir, { "config.conf": renderIni(sections) });
  return () => loadConfig("config.conf", { multiAccount: false });
}

function loadMulti(edit: (s: Sections) => void): () => unknown {
  const sections = multiBase();
  edit(sections);
  writeFiles(dir, { "multi_config.conf": renderIni(sections) });
  return () => loadConfig("multi_config.conf", { multiAccount: true });
}

function expectError(load: () => unknown, message: string): void {
  let error: unknown;
  try {
    load();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toBe(message);
}

test("the base configs are valid", () => {
  expect(loadSingle(() => {})()).toMatchObject({ warnings: [] });
  expect(loadMulti(() => {})()).toMatchObject({ warnings: [] });
});

test("ConfigError exposes file, section, key and reason", () => {
  const error = new ConfigError("multi_config.conf", "ACCOUNT_2", "weight", 'expected a positive integer, got "abc"');
  expect(error).toMatchObject({ name: "ConfigError", file: "multi_config.conf", section: "ACCOUNT_2", key: "weight" });
  expect(error.message).toBe('multi_config.conf [ACCOUNT_2] weight: expected a positive integer, got "abc"');
});

describe("single-account errors", () => {
  const cases: Array<[string, (s: Sections) => void, string]> = [
    ["missing tenancy", (s) => delete s.DEFAULT.tenancy, "config.conf [DEFAULT] tenancy: required key is missing"],
    ["missing user", (s) => delete s.DEFAULT.user, "config.conf [DEFAULT] user: required key is missing"],
    ["missing fingerprint", (s) => delete s.DEFAULT.fingerprint, "config.conf [DEFAULT] fingerprint: required key is missing"],
    ["missing region", (s) => delete s.DEFAULT.region, "config.conf [DEFAULT] region: required key is missing"],
    ["empty region", (s) => (s.DEFAULT.region = ""), "config.conf [DEFAULT] region: required key is empty"],
    [
      "no key_file nor key_content",
      (s) => delete s.DEFAULT.key_file,
      "config.conf [DEFAULT] key_file: required key is missing (or set key_content)",
    ],
    [
      "both key_file and key_content",
      (s) => (s.DEFAULT.key_content = "-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----"),
      "config.conf [DEFAULT] key_content: set either key_file or key_content, not both",
    ],
    [
      "default_max_tokens zero",
      (s) => (s.DEFAULT.default_max_tokens = "0"),
      'config.conf [DEFAULT] default_max_tokens: expected a positive integer, got "0"',
    ],
    [
      "force_non_stream not a boolean",
      (s) => (s.DEFAULT.force_non_stream = "sometimes"),
      'config.conf [DEFAULT] force_non_stream: expected true/false, yes/no or 1/0, got "sometimes"',
    ],
    [
      "unknown auth mode",
      (s) => (s.DEFAULT.auth = "password"),
      'config.conf [DEFAULT] auth: expected one of api_key, resource_principal, instance_principal, got "password"',
    ],
    [
      "principal auth without tenancy or compartment_id",
      (s) => {
        s.DEFAULT = { auth: "instance_principal", region: "us-chicago-1", api_key: API_KEY };
      },
      "config.conf [DEFAULT] tenancy: required key is missing (or set compartment_id)",
    ],
    [
      "endpoint not an http(s) URL",
      (s) => (s.DEFAULT.endpoint = "ftp://example.com"),
      'config.conf [DEFAULT] endpoint: expected an http(s) URL such as https://inference.generativeai.us-chicago-1.oci.oraclecloud.com, got "ftp://example.com"',
    ],
    [
      "invalid id",
      (s) => (s.DEFAULT.id = "my account"),
      'config.conf [DEFAULT] id: expected letters, digits, ".", "_" or "-", got "my account"',
    ],
    ["the only account disabled", (s) => (s.DEFAULT.enabled = "false"), "config.conf [DEFAULT] enabled: the only account is disabled"],
    ["[MODELS] empty", (s) => (s.MODELS = {}), "config.conf [MODELS]: at least one model mapping is required"],
    ["[MODELS] missing", (s) => delete s.MODELS, "config.conf [MODELS]: at least one model mapping is required"],
    [
      "model value not an OCI model id",
      (s) => (s.MODELS["grok-4"] = "grok 4"),
      'config.conf [MODELS] grok-4: expected an OCI model id such as "xai.grok-4" or an ocid1.generativeaiendpoint OCID, got "grok 4"',
    ],
    [
      "model value is some other OCID",
      (s) => (s.MODELS["grok-4"] = "ocid1.tenancy.oc1..aaaa"),
      'config.conf [MODELS] grok-4: expected an OCI model id such as "xai.grok-4" or an ocid1.generativeaiendpoint OCID, got "ocid1.tenancy.oc1..aaaa"',
    ],
    [
      "model value empty",
      (s) => (s.MODELS["grok-4"] = ""),
      'config.conf [MODELS] grok-4: expected an OCI model id such as "xai.grok-4" or an ocid1.generativeaiendpoint OCID, got ""',
    ],
    [
      "keep_alive_interval not a duration",
      (s) => (s.DEFAULT.keep_alive_interval = "often"),
      'config.conf [DEFAULT] keep_alive_interval: expected a duration such as 30s, 5m, 1h, 250ms or 1m30s, got "often"',
    ],
    [
      "cors_origins not origins",
      (s) => (s.DEFAULT.cors_origins = "https://a.example.com/app"),
      'config.conf [DEFAULT] cors_origins: expected "*" or origins like https://app.example.com, got "https://a.example.com/app"',
    ],
    [
      "max_body_size not a size",
      (s) => (s.DEFAULT.max_body_size = "huge"),
      'config.conf [DEFAULT] max_body_size: expected a size in bytes or with a unit such as 512kb or 10mb, got "huge"',
    ],
    [
      "stats_public not a boolean",
      (s) => (s.DEFAULT.stats_public = "public"),
      'config.conf [DEFAULT] stats_public: expected true/false, yes/no or 1/0, got "public"',
    ],
    [
      "stream_idle_timeout zero",
      (s) => (s.DEFAULT.stream_idle_timeout = "0s"),
      'config.conf [DEFAULT] stream_idle_timeout: must be greater than 0, got "0s"',
    ],
    [
      "health_check_model unknown",
      (s) => (s.DEFAULT.health_check_model = "gpt 4"),
      'config.conf [DEFAULT] health_check_model: expected a model name from [MODELS] or an OCI model id, got "gpt 4"',
    ],
    [
      "pool setting in [GLOBAL] of a single-account file",
      (s) => (s.GLOBAL = { retry_attempts: "0" }),
      'config.conf [GLOBAL] retry_attempts: expected a positive integer, got "0"',
    ],
  ];
  test.each(cases)("%s", (_name, edit, message) => expectError(loadSingle(edit), message));

  test("key file not found names the resolved path", () => {
    expectError(
      loadSingle((s) => (s.DEFAULT.key_file = "keys/missing.pem")),
      `config.conf [DEFAULT] key_file: file not found: ${join(dir, "keys", "missing.pem")}`,
    );
  });

  test("key file is a folder", () => {
    mkdirSync(join(dir, "keys"));
    expectError(loadSingle((s) => (s.DEFAULT.key_file = "./keys")), `config.conf [DEFAULT] key_file: not a file: ${join(dir, "keys")}`);
  });

  // root can read anything, so the check cannot fail there.
  const asRoot = process.getuid?.() === 0;
  (asRoot ? test.skip : test)("key file not readable", () => {
    writeFiles(dir, { "locked.pem": TEST_KEY_PEM });
    chmodSync(join(dir, "locked.pem"), 0o000);
    expectError(
      loadSingle((s) => (s.DEFAULT.key_file = "locked.pem")),
      `config.conf [DEFAULT] key_file: file is not readable: ${join(dir, "locked.pem")}`,
    );
  });

  test("config file not found", () => {
    expectError(() => loadConfig("nope.conf", { multiAccount: false }), `nope.conf: file not found: ${join(dir, "nope.conf")}`);
  });

  test("dotted section name", () => {
    expectError(
      loadSingle((s) => (s["MODELS.extra"] = { a: "b.c" })),
      'config.conf [MODELS.extra]: section names cannot contain "."',
    );
  });
});

describe("multi-account errors", () => {
  const cases: Array<[string, (s: Sections) => void, string]> = [
    [
      "weight not a number",
      (s) => (s.ACCOUNT_2.weight = "abc"),
      'multi_config.conf [ACCOUNT_2] weight: expected a positive integer, got "abc"',
    ],
    ["weight zero", (s) => (s.ACCOUNT_1.weight = "0"), 'multi_config.conf [ACCOUNT_1] weight: expected a positive integer, got "0"'],
    [
      "max_concurrency negative",
      (s) => (s.ACCOUNT_1.max_concurrency = "-1"),
      'multi_config.conf [ACCOUNT_1] max_concurrency: expected a non-negative integer, got "-1"',
    ],
    [
      "enabled not a boolean",
      (s) => (s.ACCOUNT_2.enabled = "maybe"),
      'multi_config.conf [ACCOUNT_2] enabled: expected true/false, yes/no or 1/0, got "maybe"',
    ],
    ["missing region", (s) => delete s.ACCOUNT_2.region, "multi_config.conf [ACCOUNT_2] region: required key is missing"],
    [
      "global_max_concurrency fractional",
      (s) => (s.GLOBAL.global_max_concurrency = "1.5"),
      'multi_config.conf [GLOBAL] global_max_concurrency: expected a non-negative integer, got "1.5"',
    ],
    [
      "queue_size negative",
      (s) => (s.GLOBAL.queue_size = "-5"),
      'multi_config.conf [GLOBAL] queue_size: expected a non-negative integer, got "-5"',
    ],
    [
      "retry_attempts zero",
      (s) => (s.GLOBAL.retry_attempts = "0"),
      'multi_config.conf [GLOBAL] retry_attempts: expected a positive integer, got "0"',
    ],
    [
      "unknown strategy",
      (s) => (s.GLOBAL.load_balance_strategy = "random"),
      'multi_config.conf [GLOBAL] load_balance_strategy: expected one of round_robin, weighted, least_connections, got "random"',
    ],
    [
      "health_check_interval not a duration",
      (s) => (s.GLOBAL.health_check_interval = "30 seconds"),
      'multi_config.conf [GLOBAL] health_check_interval: expected a duration such as 30s, 5m, 1h, 250ms or 1m30s, got "30 seconds"',
    ],
    [
      "request_timeout zero",
      (s) => (s.GLOBAL.request_timeout = "0"),
      'multi_config.conf [GLOBAL] request_timeout: must be greater than 0, got "0"',
    ],
    [
      "default_max_tokens not a number",
      (s) => (s.GLOBAL.default_max_tokens = "4k"),
      'multi_config.conf [GLOBAL] default_max_tokens: expected a positive integer, got "4k"',
    ],
    [
      "max_failures zero",
      (s) => (s.CIRCUIT_BREAKER.max_failures = "0"),
      'multi_config.conf [CIRCUIT_BREAKER] max_failures: expected a positive integer, got "0"',
    ],
    [
      "reset_timeout not a duration",
      (s) => (s.CIRCUIT_BREAKER.reset_timeout = "1d"),
      'multi_config.conf [CIRCUIT_BREAKER] reset_timeout: expected a duration such as 30s, 5m, 1h, 250ms or 1m30s, got "1d"',
    ],
    [
      "failure_rate above 1",
      (s) => (s.CIRCUIT_BREAKER.failure_rate = "1.5"),
      'multi_config.conf [CIRCUIT_BREAKER] failure_rate: expected a number greater than 0 and at most 1, got "1.5"',
    ],
    [
      "failure_rate zero",
      (s) => (s.CIRCUIT_BREAKER.failure_rate = "0"),
      'multi_config.conf [CIRCUIT_BREAKER] failure_rate: expected a number greater than 0 and at most 1, got "0"',
    ],
    [
      "failure_rate as a percentage",
      (s) => (s.CIRCUIT_BREAKER.failure_rate = "60%"),
      'multi_config.conf [CIRCUIT_BREAKER] failure_rate: expected a number greater than 0 and at most 1, got "60%"',
    ],
    [
      "min_requests zero",
      (s) => (s.CIRCUIT_BREAKER.min_requests = "0"),
      'multi_config.conf [CIRCUIT_BREAKER] min_requests: expected a positive integer, got "0"',
    ],
    [
      "window zero",
      (s) => (s.CIRCUIT_BREAKER.window = "0s"),
      'multi_config.conf [CIRCUIT_BREAKER] window: must be greater than 0, got "0s"',
    ],
    [
      "half_open_probes zero",
      (s) => (s.CIRCUIT_BREAKER.half_open_probes = "0"),
      'multi_config.conf [CIRCUIT_BREAKER] half_open_probes: expected a positive integer, got "0"',
    ],
    [
      "duplicate account ids",
      (s) => (s.ACCOUNT_2.id = "acct1"),
      'multi_config.conf [ACCOUNT_2] id: duplicate account id "acct1" (also used by [ACCOUNT_1])',
    ],
    [
      "section name as id clashes with an explicit id",
      (s) => {
        delete s.ACCOUNT_2.id;
        s.ACCOUNT_1.id = "ACCOUNT_2";
      },
      'multi_config.conf [ACCOUNT_2] id: duplicate account id "ACCOUNT_2" (also used by [ACCOUNT_1])',
    ],
    [
      "no account section",
      (s) => {
        delete s.ACCOUNT_1;
        delete s.ACCOUNT_2;
      },
      "multi_config.conf: no [ACCOUNT_*] section found; multi-account mode needs at least one",
    ],
    [
      "no account section, single-account layout",
      (s) => {
        s.DEFAULT = s.ACCOUNT_1;
        delete s.ACCOUNT_1;
        delete s.ACCOUNT_2;
      },
      "multi_config.conf: no [ACCOUNT_*] section found; multi-account mode needs at least one (this looks like a single-account config: start without multi-account mode)",
    ],
    [
      "every account disabled",
      (s) => {
        s.ACCOUNT_1.enabled = "false";
        s.ACCOUNT_2.enabled = "no";
      },
      "multi_config.conf: every account has enabled = false; at least one must be enabled",
    ],
    ["[MODELS] empty", (s) => (s.MODELS = {}), "multi_config.conf [MODELS]: at least one model mapping is required"],
  ];
  test.each(cases)("%s", (_name, edit, message) => expectError(loadMulti(edit), message));

  test("key file not found names the resolved path", () => {
    expectError(
      loadMulti((s) => (s.ACCOUNT_1.key_file = "./missing.pem")),
      `multi_config.conf [ACCOUNT_1] key_file: file not found: ${join(dir, "missing.pem")}`,
    );
  });

  test("a repeated account section (copy-paste) is an error, not a silent merge", () => {
    const text = renderIni(multiBase()) + renderIni({ ACCOUNT_1: account(3) });
    writeFiles(dir, { "multi_config.conf": text });
    const line = (n: number) => text.split("\n").indexOf("[ACCOUNT_1]", n) + 1;
    expectError(
      () => loadConfig("multi_config.conf", { multiAccount: true }),
      `multi_config.conf [ACCOUNT_1]: section appears twice (lines ${line(0)} and ${line(line(0))}); give each account its own section name`,
    );
  });

  test("the path is quoted as given (and key files resolve against the config's folder)", () => {
    mkdirSync(join(dir, "sub"));
    process.chdir(join(dir, "sub"));
    writeFiles(dir, { "multi_config.conf": renderIni({ ...multiBase(), GLOBAL: { queue_size: "x" } }) });
    expectError(
      () => loadConfig("../multi_config.conf", { multiAccount: true }),
      '../multi_config.conf [GLOBAL] queue_size: expected a non-negative integer, got "x"',
    );
  });
});

describe("first-run mistakes: one line naming file, section and key, and what is wrong in words", () => {
  const OTHER_FINGERPRINT = "11:22:33:44:55:66:77:88:99:00:aa:bb:cc:dd:ee:ff";

  test.each<[string, () => void, (s: Sections) => void, string]>([
    [
      "a public key given as key_file",
      () => writeFiles(dir, { "key.pem": TEST_KEY_PUBLIC_PEM }),
      () => {},
      `config.conf [DEFAULT] key_file: ${join("DIR", "key.pem")} is a public key; key_file needs the private key that goes with it (the public one is what you upload to OCI)`,
    ],
    [
      "an encrypted key without pass_phrase",
      () => writeFiles(dir, { "key.pem": encryptedTestKeyPem("s3cret") }),
      () => {},
      `config.conf [DEFAULT] pass_phrase: is missing: ${join("DIR", "key.pem")} is encrypted, so its pass phrase is needed`,
    ],
    [
      "a wrong pass_phrase",
      () => writeFiles(dir, { "key.pem": encryptedTestKeyPem("s3cret") }),
      (s) => (s.DEFAULT.pass_phrase = "guess"),
      `config.conf [DEFAULT] pass_phrase: does not decrypt ${join("DIR", "key.pem")} (wrong pass phrase)`,
    ],
    [
      "a fingerprint that is not the key's",
      () => {},
      (s) => (s.DEFAULT.fingerprint = OTHER_FINGERPRINT),
      `config.conf [DEFAULT] fingerprint: ${OTHER_FINGERPRINT} is not the fingerprint of ${join("DIR", "key.pem")} (that is ${TEST_KEY_FINGERPRINT}); ` +
        "OCI would refuse every call (401). Use the fingerprint the OCI console lists for this key (Profile > API keys), or the key that belongs to this fingerprint",
    ],
    [
      "a file that is not a key",
      () => writeFiles(dir, { "key.pem": "hello\n" }),
      () => {},
      `config.conf [DEFAULT] key_file: ${join("DIR", "key.pem")} is not a PEM private key (expected a "-----BEGIN PRIVATE KEY-----" block)`,
    ],
    [
      "an EC key",
      () => writeFiles(dir, { "key.pem": generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString() }),
      () => {},
      `config.conf [DEFAULT] key_file: ${join("DIR", "key.pem")} is an EC key; OCI API signing keys are RSA`,
    ],
    [
      "a misspelt region",
      () => {},
      (s) => (s.DEFAULT.region = "us-pheonix-1"),
      'config.conf [DEFAULT] region: unknown OCI region "us-pheonix-1"; did you mean "us-phoenix-1"?',
    ],
    [
      "a misspelt [DEFAULT]",
      () => {},
      (s) => {
        s.DEFUALT = s.DEFAULT;
        delete s.DEFAULT;
      },
      "config.conf [DEFAULT] region: required key is missing; did you mean [DEFAULT] instead of [DEFUALT]?",
    ],
    [
      "a misspelt key",
      () => {},
      (s) => {
        s.DEFAULT.fingerprnt = s.DEFAULT.fingerprint;
        delete s.DEFAULT.fingerprint;
      },
      'config.conf [DEFAULT] fingerprint: required key is missing; did you mean this section\'s "fingerprnt"?',
    ],
    [
      "a misspelt [MODELS]",
      () => {},
      (s) => {
        s.MODEL = s.MODELS;
        delete s.MODELS;
      },
      "config.conf [MODELS]: at least one model mapping is required; did you mean [MODELS] instead of [MODEL]?",
    ],
    [
      "an example API key",
      () => {},
      (s) => (s.DEFAULT.api_key = "your_api_key"),
      'config.conf [DEFAULT] api_key: "your_api_key" is an example key from the documentation, so anyone could use it; ' +
        "set api_key = auto_generated_key (a random key is then generated and written here) or a random key of your own",
    ],
  ])("%s", (_what, prepare, edit, message) => {
    prepare();
    let error: Error | undefined;
    try {
      loadSingle(edit)();
    } catch (err) {
      error = err as Error;
    }
    expect(error).toBeInstanceOf(ConfigError);
    // Up to the list of known regions, which the region message goes on with.
    expect(error!.message.replaceAll(dir, "DIR").replace(/ \(Generative AI regions: .*$/, "")).toBe(message);
  });

  test("a fingerprint written in capitals or without colons is the same fingerprint", () => {
    const config = loadSingle((s) => (s.DEFAULT.fingerprint = TEST_KEY_FINGERPRINT.toUpperCase().replaceAll(":", "")))() as { accounts: { fingerprint: string }[] };
    expect(config.accounts[0].fingerprint).toBe(TEST_KEY_FINGERPRINT);
  });

  test("a multi-account file started without multi-account mode says so", () => {
    const sections = multiBase();
    writeFiles(dir, { "multi_config.conf": renderIni(sections) });
    expectError(
      () => loadConfig("multi_config.conf", { multiAccount: false }),
      "multi_config.conf [DEFAULT] region: required key is missing; this file has [ACCOUNT_*] sections: it is a multi-account config, start with -multi-account",
    );
  });

  test("misspelt account sections are named", () => {
    expectError(
      loadMulti((s) => {
        s.ACOUNT_1 = s.ACCOUNT_1;
        delete s.ACCOUNT_1;
        delete s.ACCOUNT_2;
      }),
      "multi_config.conf: no [ACCOUNT_*] section found; multi-account mode needs at least one (there is a section [ACOUNT_1]: account sections are named [ACCOUNT_<name>])",
    );
  });
});
