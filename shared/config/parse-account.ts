import { readFileSync } from "node:fs";
import { checkPrivateKey, KeyProblem } from "../oci/check-private-key";
import { resolveInferenceEndpoint } from "../oci/inference-endpoint";
import { parseBool } from "./parse-bool";
import { parseEndpointUrl } from "./parse-endpoint-url";
import { parseEnum } from "./parse-enum";
import { parseInteger } from "./parse-integer";
import { resolveKeyFile } from "./resolve-key-file";
import type { SectionReader } from "./section-reader";
import type { AccountConfig, AuthMode } from "./types";

const AUTH_MODES: readonly AuthMode[] = ["api_key", "resource_principal", "instance_principal"];
/** Ids show up in logs, stats JSON and admin URLs: keep them plain. */
const ACCOUNT_ID = /^[A-Za-z0-9._-]+$/;
/** Only meaningful with auth = api_key. */
const API_KEY_ONLY = ["user", "fingerprint", "key_file", "key_content", "pass_phrase"] as const;

/**
 * Reads one OCI account: `[DEFAULT]` in a single-account file, each `[ACCOUNT_*]` in a
 * multi-account one. API-key auth needs user, fingerprint, tenancy and key_file or
 * key_content; principal auth gets its identity from the environment and needs only a
 * compartment (tenancy or compartment_id). Region is always required.
 *
 * @param defaultId Used when the section has no `id` ("default", or the section name).
 * @param configDir Folder that relative key_file paths are resolved against.
 * @example
 *   parseAccount(new SectionReader("multi_config.conf", "ACCOUNT_1", values, warnings), "ACCOUNT_1", "/etc/ociai")
 *   // { id: "primary_us_phoenix", section: "ACCOUNT_1", auth: "api_key", weight: 3, ... }
 */
export function parseAccount(
  reader: SectionReader,
  defaultId: string,
  configDir: string,
  /** Serverless: accounts whose private key arrives from a secret store, not the file. */
  keyFromSecret: (accountId: string) => boolean = () => false,
): AccountConfig {
  const auth = reader.parseOr("auth", (text) => parseEnum(text, AUTH_MODES), "api_key");
  const id = reader.string("id") ?? defaultId;
  if (!ACCOUNT_ID.test(id)) {
    throw reader.error("id", `expected letters, digits, ".", "_" or "-", got "${id}"`);
  }
  const region = reader.required("region");
  const endpoint = reader.parse("endpoint", parseEndpointUrl);
  if (!endpoint) checkRegion(reader, region);
  const compartment = reader.string("compartment_id");
  const weight = reader.parseOr("weight", (text) => parseInteger(text, 1), 1);
  const maxConcurrency = reader.parseOr("max_concurrency", (text) => parseInteger(text, 0), 0);
  const enabled = reader.parseOr("enabled", parseBool, true);
  const common = { id, section: reader.section, auth, region, endpoint, weight, maxConcurrency, enabled };

  if (auth !== "api_key") {
    for (const key of API_KEY_ONLY) {
      if (reader.has(key)) reader.warn(key, `is not used with auth = ${auth} (ignored)`);
    }
    // The principal's token says who we are; OCI still needs a compartment to bill the call to.
    const tenancy = compartment ? (reader.string("tenancy") ?? "") : reader.required("tenancy", " (or set compartment_id)");
    warnUnlessOcid(reader, "tenancy", tenancy, ["tenancy"]);
    warnUnlessOcid(reader, "compartment_id", compartment, ["compartment", "tenancy"]);
    return { ...common, tenancy, compartmentId: compartment ?? tenancy };
  }

  const user = reader.required("user");
  const fingerprint = reader.required("fingerprint");
  const tenancy = reader.required("tenancy");
  const keyContent = reader.string("key_content");
  const keyFileText = reader.string("key_file");
  if (keyContent !== undefined && keyFileText !== undefined) {
    throw reader.error("key_content", "set either key_file or key_content, not both");
  }
  const external = keyFromSecret(id);
  if (keyContent === undefined && !external) reader.required("key_file", " (or set key_content)"); // throws: neither is set
  const keyFile = external ? undefined : reader.parse("key_file", (text) => resolveKeyFile(text, configDir));
  // INI values are one line: PEM text is written with literal "\n" between its lines.
  const pem = keyContent?.replace(/\\n/g, "\n");
  const passPhrase = reader.string("pass_phrase");
  warnUnlessOcid(reader, "user", user, ["user"]);
  warnUnlessOcid(reader, "tenancy", tenancy, ["tenancy"]);
  warnUnlessOcid(reader, "compartment_id", compartment, ["compartment", "tenancy"]);
  return {
    ...common,
    user,
    // A key from a secret store is checked when it arrives (createAccounts).
    fingerprint: external ? fingerprint : checkKey(reader, { pem: pem ?? readFileSync(keyFile!, "utf8"), passPhrase, fingerprint, keyFile }),
    tenancy,
    keyFile,
    keyContent: pem,
    passPhrase,
    compartmentId: compartment ?? tenancy,
  };
}

/** Checks the account's private key now, before anything is written; returns OCI's form of the fingerprint. */
function checkKey(reader: SectionReader, input: { pem: string; passPhrase?: string; fingerprint: string; keyFile?: string }): string {
  try {
    const checked = checkPrivateKey({
      ...input,
      source: input.keyFile ? "key_file" : "key_content",
      shownAs: input.keyFile ?? "the key in key_content",
    });
    for (const warning of checked.warnings) reader.warn(warning.key, warning.message);
    return checked.fingerprint;
  } catch (err) {
    if (err instanceof KeyProblem) throw reader.error(err.key, err.message);
    throw err;
  }
}

/** The region must name an endpoint (unless `endpoint` does): found now, not at the first request. */
function checkRegion(reader: SectionReader, region: string): void {
  try {
    const { warning } = resolveInferenceEndpoint(region);
    if (warning) reader.warn("region", warning);
  } catch (err) {
    throw reader.error("region", (err as Error).message);
  }
}

/** Swapped or mistyped OCIDs only fail later, as a confusing 401/404: flag them now. */
function warnUnlessOcid(reader: SectionReader, key: string, value: string | undefined, types: string[]): void {
  if (!value || types.some((type) => value.startsWith(`ocid1.${type}.`))) return;
  reader.warn(key, `does not look like a ${types[0]} OCID (expected ocid1.${types[0]}.…), got "${value}"`);
}
