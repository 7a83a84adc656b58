import { chmodSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../shared/config/config-error";
import { loadConfig } from "../../shared/config/load-config";
import { setApiKeyLine } from "../../shared/config/set-api-key-line";
import { writeApiKey } from "../../shared/config/write-api-key";
import { writeFileAtomic } from "../../shared/config/write-file-atomic";
import { TEST_KEY_FINGERPRINT, TEST_KEY_PEM, TEST_KEY_PUBLIC_PEM, FIXTURES, cleanupTmpDirs, makeTmpDir, withTestFingerprints, writeFiles } from "./helpers/tmp-files";

// Generated API keys are written back into the user's file: nothing else may change.
const KEY = /^sk-oci-[A-Za-z0-9_-]{32}$/;
// The spec's examples with the fingerprint of the test key (loadConfig checks it against the key).
const specSingle = withTestFingerprints(readFileSync(join(FIXTURES, "spec-config.conf"), "utf8"));
const specMulti = withTestFingerprints(readFileSync(join(FIXTURES, "spec-multi_config.conf"), "utf8"));

let dir: string;
beforeEach(() => {
  dir = makeTmpDir();
  writeFiles(dir, { "your_private_key.pem": TEST_KEY_PEM, "1.pem": TEST_KEY_PEM, "2.pem": TEST_KEY_PEM, "3.pem": TEST_KEY_PEM });
});
afterAll(cleanupTmpDirs);

const without = (text: string, line: string) => text.split("\n").filter((l) => l !== line).join("\n");

describe("loadConfig with the spec's config.conf (api_key = auto_generated_key)", () => {
  let path: string;
  beforeEach(() => {
    path = join(dir, "config.conf");
    writeFiles(dir, { "config.conf": specSingle });
    chmodSync(path, 0o640);
  });

  test("only the api_key line changes, and it keeps its comment", () => {
    const config = loadConfig(path, { multiAccount: false });
    expect(config.apiKeyGenerated).toBe(true);
    expect(config.apiKey).toMatch(KEY);
    const before = specSingle.split("\n");
    const after = readFileSync(path, "utf8").split("\n");
    expect(after).toHaveLength(before.length);
    const changed = after.map((line, i) => i).filter((i) => after[i] !== before[i]);
    expect(changed).toEqual([before.indexOf("api_key = auto_generated_key  # 首次运行时自动生成")]);
    expect(after[changed[0]]).toBe(`api_key = ${config.apiKey}  # 首次运行时自动生成`);
  });

  test("a second load reads the key back and leaves the file alone", () => {
    const first = loadConfig(path, { multiAccount: false });
    const written = readFileSync(path, "utf8");
    const mtime = statSync(path).mtimeMs;
    const second = loadConfig(path, { multiAccount: false });
    expect(second.apiKey).toBe(first.apiKey);
    expect(second.apiKeyGenerated).toBe(false);
    expect(readFileSync(path, "utf8")).toBe(written);
    expect(statSync(path).mtimeMs).toBe(mtime);
  });

  test("the file mode is kept and no temp file remains", () => {
    loadConfig(path, { multiAccount: false });
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(["1.pem", "2.pem", "3.pem", "config.conf", "your_private_key.pem"]);
  });

  test("a config that fails validation is not rewritten", () => {
    writeFiles(dir, { "config.conf": specSingle.replace("region = us-phoenix-1", "region =") });
    expect(() => loadConfig(path, { multiAccount: false })).toThrow(ConfigError);
    expect(readFileSync(path, "utf8")).toBe(specSingle.replace("region = us-phoenix-1", "region ="));
  });

  test.each([
    ["a public key as key_file", (t: string) => t, () => writeFiles(dir, { "your_private_key.pem": TEST_KEY_PUBLIC_PEM }), /key_file: .* is a public key/],
    ["a fingerprint that is not the key's", (t: string) => t.replace(TEST_KEY_FINGERPRINT, "11:22:33:44:55:66:77:88:99:00:aa:bb:cc:dd:ee:ff"), () => {}, /fingerprint: .* is not the fingerprint of/],
    ["a misspelt region", (t: string) => t.replace("region = us-phoenix-1", "region = us-pheonix-1"), () => {}, /region: unknown OCI region "us-pheonix-1"; did you mean "us-phoenix-1"\?/],
    ["a missing key file", (t: string) => t.replace("./your_private_key.pem", "./nope.pem"), () => {}, /key_file: file not found/],
  ])("with %s nothing is written: every check runs before the generated key is", (_what, edit, prepare, message) => {
    prepare();
    writeFiles(dir, { "config.conf": edit(specSingle) });
    expect(() => loadConfig(path, { multiAccount: false })).toThrow(message);
    expect(readFileSync(path, "utf8")).toBe(edit(specSingle));
  });

  test("writeApiKey: false checks everything and never touches the file", () => {
    const config = loadConfig(path, { multiAccount: false, writeApiKey: false });
    expect(config.apiKeyGenerated).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(specSingle);
  });

  test("each generated key is different", () => {
    const a = loadConfig(path, { multiAccount: false }).apiKey;
    writeFiles(dir, { "config.conf": specSingle });
    expect(loadConfig(path, { multiAccount: false }).apiKey).not.toBe(a);
  });
});

describe("a missing api_key line is inserted", () => {
  test("single-account: right after the [DEFAULT] header", () => {
    const original = without(specSingle, "api_key = auto_generated_key  # 首次运行时自动生成");
    const path = writeFiles(dir, { "config.conf": original });
    const config = loadConfig(path, { multiAccount: false });
    const expected = original.split("\n");
    expected.splice(1, 0, `api_key = ${config.apiKey}`);
    expect(readFileSync(path, "utf8")).toBe(expected.join("\n"));
  });

  test("multi-account: at the top level, before the first section", () => {
    const original = without(specMulti, "api_key = multi_account_proxy_key");
    const path = writeFiles(dir, { "multi_config.conf": original });
    const config = loadConfig(path, { multiAccount: true });
    expect(config.apiKeyGenerated).toBe(true);
    const expected = original.split("\n");
    // The spec's "# 在配置文件根部添加API key" comment and blank line stay above it.
    expected.splice(expected.indexOf("[GLOBAL]"), 0, `api_key = ${config.apiKey}`, "");
    expect(readFileSync(path, "utf8")).toBe(expected.join("\n"));
    expect(loadConfig(path, { multiAccount: true }).apiKey).toBe(config.apiKey);
  });

  test("multi-account: above the comments that introduce the first section", () => {
    expect(setApiKeyLine("# Global settings\n[GLOBAL]\nqueue_size = 1\n", "multi", "K")).toBe(
      "api_key = K\n\n# Global settings\n[GLOBAL]\nqueue_size = 1\n",
    );
    expect(setApiKeyLine("# my proxy\n\n# Global settings\n[GLOBAL]\n", "multi", "K")).toBe(
      "# my proxy\n\napi_key = K\n\n# Global settings\n[GLOBAL]\n",
    );
  });

  test("single-account without a [DEFAULT] header: at the top level", () => {
    expect(setApiKeyLine("user = u\n[MODELS]\na = b.c\n", "single", "K")).toBe("user = u\napi_key = K\n\n[MODELS]\na = b.c\n");
  });

  test("a file without sections: appended", () => {
    expect(setApiKeyLine("user = u\n", "multi", "K")).toBe("user = u\napi_key = K\n");
    expect(setApiKeyLine("user = u", "multi", "K")).toBe("user = u\napi_key = K");
  });
});

describe("setApiKeyLine replaces values in place", () => {
  test.each([
    ["api_key = auto_generated_key  # note", "api_key = K  # note"],
    ["api_key =", "api_key = K"],
    ["api_key=", "api_key=K"],
    ["api_key = ", "api_key = K"],
    ["api_key = # note", "api_key = K # note"],
    ["api_key = ; note", "api_key = K ; note"],
    ['api_key = ""  # note', "api_key = K  # note"],
    ["  api_key   =   auto_generated_key", "  api_key   =   K"],
    ["api_key", "api_key = K"],
    ["api_key   # note", "api_key = K   # note"],
  ])("%j", (line, expected) => {
    expect(setApiKeyLine(`[DEFAULT]\n${line}\nregion = r\n`, "single", "K")).toBe(`[DEFAULT]\n${expected}\nregion = r\n`);
  });

  test("the effective line is changed: [DEFAULT] wins over the top level, the last of repeats wins", () => {
    const text = "api_key = top\n[DEFAULT]\napi_key = first\napi_key =\n[MODELS]\napi_key = model\n";
    expect(setApiKeyLine(text, "single", "K")).toBe("api_key = top\n[DEFAULT]\napi_key = first\napi_key = K\n[MODELS]\napi_key = model\n");
  });

  test("an api_key in another section is not the one", () => {
    expect(setApiKeyLine("[GLOBAL]\napi_key = x\n", "multi", "K")).toBe("api_key = K\n\n[GLOBAL]\napi_key = x\n");
  });

  test("CRLF files stay CRLF, a BOM stays first", () => {
    expect(setApiKeyLine("\uFEFF[DEFAULT]\r\napi_key =\r\n", "single", "K")).toBe("\uFEFF[DEFAULT]\r\napi_key = K\r\n");
    expect(setApiKeyLine("\uFEFF# c\r\n[GLOBAL]\r\n", "multi", "K")).toBe("\uFEFFapi_key = K\r\n\r\n# c\r\n[GLOBAL]\r\n");
  });
});

describe("writeApiKey / writeFileAtomic", () => {
  test("keeps the mode (0600) and leaves no temp file", () => {
    const path = writeFiles(dir, { "multi_config.conf": specMulti });
    chmodSync(path, 0o600);
    writeApiKey(path, "multi", "sk-oci-abc");
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toBe(specMulti.replace("multi_account_proxy_key", "sk-oci-abc"));
    expect(readdirSync(dir)).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });

  test("a symlinked config stays a symlink; its target is updated", () => {
    mkdirSync(join(dir, "real"));
    const target = writeFiles(join(dir, "real"), { "config.conf": "[DEFAULT]\napi_key =\n" });
    symlinkSync(target, join(dir, "link.conf"));
    writeApiKey(join(dir, "link.conf"), "single", "sk-oci-abc");
    expect(readlinkSync(join(dir, "link.conf"))).toBe(target);
    expect(readFileSync(target, "utf8")).toBe("[DEFAULT]\napi_key = sk-oci-abc\n");
  });

  test("refuses keys that INI would read differently", () => {
    const path = writeFiles(dir, { "config.conf": "[DEFAULT]\napi_key =\n" });
    expect(() => writeApiKey(path, "single", "abc#def")).toThrow("API key must be");
    expect(() => writeApiKey(path, "single", "abc def")).toThrow("API key must be");
  });

  test("on failure the temp file is removed", () => {
    mkdirSync(join(dir, "target"));
    writeFiles(join(dir, "target"), { "x": "keeps the folder non-empty" });
    const before = readdirSync(dir).sort();
    // rename(file, non-empty folder) fails after the temp file was written.
    expect(() => writeFileAtomic(join(dir, "target"), "text")).toThrow();
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? test.skip : test)("loadConfig reports a file it cannot update", () => {
    mkdirSync(join(dir, "ro"));
    writeFiles(join(dir, "ro"), { "your_private_key.pem": TEST_KEY_PEM });
    const path = writeFiles(join(dir, "ro"), { "config.conf": specSingle });
    chmodSync(join(dir, "ro"), 0o555);
    try {
      expect(() => loadConfig(path, { multiAccount: false })).toThrow(
        `${path} [DEFAULT] api_key: not set, and a generated key could not be written to ${path} (EACCES); set api_key yourself`,
      );
    } finally {
      chmodSync(join(dir, "ro"), 0o755);
    }
  });
});
