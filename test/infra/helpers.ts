import { keyFingerprint } from "../../shared/oci/key-fingerprint";
import { AnnotationMetadataEntryType, Testing, type TerraformStack } from "cdktf";
// Types of the cdktf jest matchers (toHaveResourceWithProperties, …); Testing.setupJest() installs them.
import "cdktf/lib/testing/adapters/jest";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadInfraConfig, type InfraConfig } from "../../infra/shared/load-infra-config";
import { DEFAULT_THROTTLE, REPO_ROOT, type AwsStackOptions, type OciStackOptions } from "../../infra/shared/stack-options";

/** The example config shipped in config/: the floor the stacks must synthesize from. */
export const EXAMPLE_CONFIG = join(REPO_ROOT, "config", "multi_config.conf");
export const DIST_DIR = join(REPO_ROOT, "dist");

/** A real private key (synth parses key files, as the CLI does at start-up), generated once. */
export const TEST_KEY_PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
/** Text that must never appear in synthesized output when it only lives in a key file. */
export const KEY_MATERIAL_SAMPLE = TEST_KEY_PEM.split("\n")[5];
/** Its OCI fingerprint: start-up checks compare each account's fingerprint with its key. */
export const TEST_KEY_FINGERPRINT = keyFingerprint(TEST_KEY_PEM);

/** The example config in a temp folder beside the key files it names (1.pem, 2.pem, 3.pem). */
export function exampleConfigWithKeys(): string {
  const dir = mkdtempSync(join(tmpdir(), "ociai-infra-example-"));
  for (const key of ["1.pem", "2.pem", "3.pem"]) writeFileSync(join(dir, key), TEST_KEY_PEM, { mode: 0o600 });
  const file = join(dir, "multi_config.conf");
  writeFileSync(file, readFileSync(EXAMPLE_CONFIG, "utf8").replace(/^fingerprint = .*$/gm, `fingerprint = ${TEST_KEY_FINGERPRINT}`));
  return file;
}

/** The checked config a stack deploys (what infra/app.ts loads before building stacks). */
export function infraConfig(file: string, keySecretIds: string[] = []): Promise<InfraConfig> {
  return loadInfraConfig(file, keySecretIds);
}

export type Resource = Record<string, unknown>;
export interface Synthesized {
  /** The stack as Terraform JSON text (what Testing matchers take). */
  text: string;
  json: {
    resource: Record<string, Record<string, Resource>>;
    data?: Record<string, Record<string, Resource>>;
    output?: Record<string, { value: unknown; description?: string }>;
    variable?: Record<string, unknown>;
    provider?: Record<string, Resource[]>;
    terraform: Record<string, any>;
  };
}

export function synth(stack: TerraformStack, runValidations = true): Synthesized {
  const text = Testing.synth(stack, runValidations);
  return { text, json: JSON.parse(text) };
}

/** Every resource of a type, without cdktf's "//" metadata. */
export function resources(synthesized: Synthesized, type: string): Resource[] {
  return Object.values(synthesized.json.resource[type] ?? {}).map(({ "//": _metadata, ...config }) => config);
}

/** The resource of a type whose construct path contains `pathPart` (cdktf ids embed it). */
export function resourceNamed(synthesized: Synthesized, type: string, pathPart: string): Resource {
  const entries = Object.entries(synthesized.json.resource[type] ?? {}).filter(([name]) => name.includes(pathPart));
  if (entries.length !== 1) throw new Error(`expected one ${type} matching "${pathPart}", found ${entries.map(([n]) => n).join(", ") || "none"}`);
  const { "//": _metadata, ...config } = entries[0][1];
  return config;
}

/** `${aws_lambda_function.fn-chat_function_DC2F30D0.arn}` → the resource name part, for cross-references. */
export function terraformName(synthesized: Synthesized, type: string, pathPart: string): string {
  const names = Object.keys(synthesized.json.resource[type] ?? {}).filter((name) => name.includes(pathPart));
  if (names.length !== 1) throw new Error(`expected one ${type} matching "${pathPart}", found ${names.join(", ") || "none"}`);
  return `${type}.${names[0]}`;
}

export function awsOptions(overrides: Partial<AwsStackOptions> = {}): AwsStackOptions {
  return {
    configFile: EXAMPLE_CONFIG,
    throttle: DEFAULT_THROTTLE,
    namePrefix: "ociai-proxy",
    distDir: DIST_DIR,
    region: "us-east-1",
    stageName: "prod",
    logRetentionDays: 14,
    accountKeySecretArns: {},
    ...overrides,
  };
}

export function ociOptions(overrides: Partial<OciStackOptions> = {}): OciStackOptions {
  return {
    configFile: EXAMPLE_CONFIG,
    throttle: DEFAULT_THROTTLE,
    namePrefix: "ociai-proxy",
    distDir: DIST_DIR,
    tenancyOcid: "ocid1.tenancy.oc1..aaaatenancy",
    compartmentOcid: "ocid1.compartment.oc1..aaaacompartment",
    namespace: "axaxnamespace",
    imageTag: "1.2.3",
    functionsShape: "GENERIC_X86",
    logRetentionDays: 30,
    accountKeySecretOcids: {},
    bootstrap: false,
    ...overrides,
  };
}

/**
 * A deploy-shaped config in a temp folder: api_key left to be generated, a real key file,
 * the function's own tenancy by resource principal (unless `principal` is false), an
 * inline-key account, a 10 minute health check and restricted CORS origins.
 */
export function writeDeployConfig(options: { principal?: boolean; extra?: string[] } = {}): { file: string; keyFile: string } {
  const dir = mkdtempSync(join(tmpdir(), "ociai-infra-"));
  const keyFile = join(dir, "partner.pem");
  writeFileSync(keyFile, TEST_KEY_PEM, { mode: 0o600 });
  const home =
    options.principal === false
      ? ["id = home_chicago", "user = ocid1.user.oc1..aaaahome", `fingerprint = ${TEST_KEY_FINGERPRINT}`, "key_file = ./partner.pem", "tenancy = ocid1.tenancy.oc1..aaaahome", "region = us-chicago-1"]
      : ["id = home_chicago", "auth = resource_principal", "tenancy = ocid1.tenancy.oc1..aaaahome", "region = us-chicago-1"];
  const file = join(dir, "multi_config.conf");
  writeFileSync(
    file,
    [
      "api_key = auto_generated_key",
      "[GLOBAL]",
      "health_check_interval = 10m",
      "cors_origins = https://chat.example.com, https://app.example.com",
      "[MODELS]",
      "grok-4 = xai.grok-4",
      "[ACCOUNT_1]",
      ...home,
      "[ACCOUNT_2]",
      "id = partner_frankfurt",
      "user = ocid1.user.oc1..aaaapartner",
      `fingerprint = ${TEST_KEY_FINGERPRINT}`,
      "key_file = ./partner.pem",
      "tenancy = ocid1.tenancy.oc1..aaaapartner",
      "compartment_id = ocid1.compartment.oc1..aaaapartnergenai",
      "region = eu-frankfurt-1",
      "[ACCOUNT_3]",
      "id = inline_ashburn",
      "user = ocid1.user.oc1..aaaainline",
      `fingerprint = ${TEST_KEY_FINGERPRINT}`,
      `key_content = ${TEST_KEY_PEM.trim().replace(/\n/g, "\\n")}`,
      "tenancy = ocid1.tenancy.oc1..aaaainline",
      "region = us-ashburn-1",
      ...(options.extra ?? []),
      "",
    ].join("\n"),
  );
  return { file, keyFile };
}

/** Parses an IAM policy document string as synthesized (ARNs are Terraform interpolations). */
export function parsePolicy(text: unknown): { Statement: Array<{ Effect: string; Action: string[] | string; Resource?: string[] | string; Principal?: unknown; Condition?: unknown }> } {
  return JSON.parse(String(text));
}

export function asList<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Warning annotations of a stack (what `cdktf synth` prints as WARN). */
export function warningsOf(stack: TerraformStack): string[] {
  return stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}
