import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../shared/config/load-config";
import { TEST_KEY_PEM, cleanupTmpDirs, encryptedTestKeyPem, makeTmpDir, withTestFingerprints, writeFiles } from "./helpers/tmp-files";

// config/*.conf ship as templates: they must load cleanly, keep the spec's keys, and every
// optional key they document must be one loadConfig knows.
const EXAMPLES = join(__dirname, "..", "..", "config");
afterAll(cleanupTmpDirs);

/** Loads an example as a user would after filling it in: key files in place, their fingerprints set. */
function loadExample(name: string, multiAccount: boolean, edit: (text: string) => string = (t) => t, pem = TEST_KEY_PEM) {
  const dir = makeTmpDir();
  // The optional keys (pass_phrase among them) are documented in [DEFAULT] and [ACCOUNT_1].
  writeFiles(dir, { "your_private_key.pem": pem, "1.pem": pem, "2.pem": TEST_KEY_PEM, "3.pem": TEST_KEY_PEM });
  writeFiles(dir, { [name]: edit(withTestFingerprints(readFileSync(join(EXAMPLES, name), "utf8"))) });
  return loadConfig(join(dir, name), { multiAccount });
}

/** Uncomments the documented optional `# key = value` lines (model examples have "-" or "." and stay). */
function uncommentOptional(text: string, skip: string[]): string {
  return text.replace(/^# ([a-z_]+) = /gm, (line, key: string) => (skip.includes(key) ? line : `${key} = `));
}

test("config/config.conf loads like the spec's example", () => {
  const config = loadExample("config.conf", false);
  expect(config.warnings).toEqual([]);
  expect(config.apiKeyGenerated).toBe(true);
  expect(config.accounts[0]).toMatchObject({ region: "us-phoenix-1", tenancy: "ocid1.tenancy.oc1..your_tenancy_ocid" });
  expect([...config.models.keys()]).toEqual(["grok-4", "grok-3", "grok-3-mini", "grok-3-fast", "grok-3-mini-fast"]);
});

test("config/multi_config.conf loads like the spec's example, with a generated API key", () => {
  const config = loadExample("multi_config.conf", true);
  expect(config.warnings).toEqual([]);
  expect(config.apiKeyGenerated).toBe(true);
  expect(config.accounts.map((a) => [a.id, a.weight, a.maxConcurrency])).toEqual([
    ["primary_us_phoenix", 3, 50],
    ["secondary_us_chicago", 2, 30],
    ["backup_eu_frankfurt", 1, 20],
  ]);
  expect(config.pool).toMatchObject({ globalMaxConcurrency: 200, queueSize: 2000, retryAttempts: 3 });
});

test("every documented optional key is understood when uncommented", () => {
  // key_content would clash with key_file; auth/compartment keep api-key auth valid as is.
  const encrypted = encryptedTestKeyPem("secret");
  const single = loadExample("config.conf", false, (t) => uncommentOptional(t, ["key_content"]), encrypted);
  expect(single.warnings).toEqual([]);
  expect(single.accounts[0]).toMatchObject({ passPhrase: "secret", compartmentId: "ocid1.compartment.oc1..xxxxx" });
  expect(single.pool.healthCheckModel).toBe("grok-3-mini");

  const multi = loadExample(
    "multi_config.conf",
    true,
    (t) => uncommentOptional(t, ["key_content", "id", "auth", "compartment_id", "region"]),
    encrypted,
  );
  expect(multi.warnings).toEqual([]);
  expect(multi.accounts[0]).toMatchObject({ passPhrase: "secret", endpoint: "https://inference.generativeai.us-phoenix-1.oci.oraclecloud.com" });
  expect(multi.breaker).toMatchObject({ windowMs: 60_000, halfOpenProbes: 1 });
});

test.each([
  ["config.conf", false],
  ["multi_config.conf", true],
])("%s copied as is (before filling it in) stops with one line naming the key file to provide", (name, multiAccount) => {
  const dir = makeTmpDir();
  copyFileSync(join(EXAMPLES, name), join(dir, name));
  const before = readFileSync(join(dir, name), "utf8");
  expect(() => loadConfig(join(dir, name), { multiAccount })).toThrow(new RegExp(`/${name.replace(".", "\\.")} \\[(DEFAULT|ACCOUNT_1)\\] key_file: file not found: `));
  expect(readFileSync(join(dir, name), "utf8")).toBe(before);
});
