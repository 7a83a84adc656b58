import { readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";

/** Repository root (infra/shared/ is two levels down). */
export const REPO_ROOT = resolve(__dirname, "..", "..");
export const INFRA_DIR = join(REPO_ROOT, "infra");
export const DEFAULT_CONFIG_FILE = "config/multi_config.conf";

/**
 * Local state file of a stack: infra/terraform.<stack>.tfstate, whatever the working
 * directory (git-ignored by infra/.gitignore: it holds secret values). Teams should
 * switch to a remote backend (S3, OCI Object Storage) — see infra/README.md.
 */
export function localStatePath(stackName: string): string {
  return join(INFRA_DIR, `terraform.${stackName}.tfstate`);
}

const FUNCTIONS_SHAPES = ["GENERIC_X86", "GENERIC_ARM", "GENERIC_X86_ARM"] as const;
export type FunctionsShape = (typeof FUNCTIONS_SHAPES)[number];

/** Gateway throttling: what the whole API accepts, so unauthenticated floods cannot run up the bill. */
export interface ThrottleOptions {
  /** Steady requests per second (AWS stage default, OCI deployment total). */
  rateLimit: number;
  /** Requests AWS lets through at once above the rate (OCI has no burst setting). */
  burstLimit: number;
}

export interface CommonStackOptions {
  /** Proxy config file (absolute): the one bundled with the functions. */
  configFile: string;
  /** Prefix of every resource name, e.g. "ociai-proxy" → "ociai-proxy-chat". */
  namePrefix: string;
  /** Where `npm run build` writes dist/aws/<fn> and dist/oci/<fn> (absolute). */
  distDir: string;
  throttle: ThrottleOptions;
}

export interface AwsStackOptions extends CommonStackOptions {
  region: string;
  stageName: string;
  logRetentionDays: number;
  /** Out-of-band secrets: account id → Secrets Manager ARN (the stack then creates none for it). */
  accountKeySecretArns: Record<string, string>;
  /** Out-of-band proxy API key secret ARN (the stack then creates none). */
  apiKeySecretArn?: string;
}

export interface OciStackOptions extends CommonStackOptions {
  /** Region of the stack; default: the region of the first resource-principal account, else the first account. */
  region?: string;
  /** Tenancy home region, where IAM writes go; default: region. */
  homeRegion?: string;
  /** Unset → Terraform variable `tenancy_ocid` (TF_VAR_tenancy_ocid); default: a resource-principal account's tenancy. */
  tenancyOcid?: string;
  /** Unset → Terraform variable `compartment_ocid`. */
  compartmentOcid?: string;
  /** Object Storage namespace (`oci os ns get`); unset → Terraform variable `namespace`. */
  namespace?: string;
  /** Bring your own subnet (functions + gateway); otherwise a VCN with a public subnet is created. */
  subnetOcid?: string;
  /** Bring your own Vault and master key for the secrets; otherwise both are created. */
  vaultOcid?: string;
  vaultKeyOcid?: string;
  /** Tag of the function images pushed to OCIR (see infra/README.md). */
  imageTag: string;
  /** OCIR host, e.g. "phx.ocir.io"; default: derived from the region. */
  registry?: string;
  functionsShape: FunctionsShape;
  logRetentionDays: number;
  accountKeySecretOcids: Record<string, string>;
  apiKeySecretOcid?: string;
  /** First deploy only: create the container repositories, nothing that needs an image. */
  bootstrap: boolean;
  /** Profile in ~/.oci/config for the provider. */
  configProfile?: string;
}

/** Reads a setting: environment first (OCIAI_*), then cdktf context (cdktf.json "context"). */
export type SettingLookup = (envName: string, contextKey: string) => string | undefined;

/**
 * Stack options from environment and cdktf context, with defaults that let `npm run synth`
 * work on a fresh clone (no credentials, no network, no bundles).
 *
 * @example
 *   const lookup = settingLookup(process.env, (key) => app.node.tryGetContext(key));
 *   awsOptionsFrom(lookup).region // "eu-west-1" with OCIAI_AWS_REGION=eu-west-1
 */
export function settingLookup(env: NodeJS.ProcessEnv, context: (key: string) => unknown): SettingLookup {
  return (envName, contextKey) => {
    const fromEnv = env[envName];
    if (fromEnv !== undefined && fromEnv.trim() !== "") return fromEnv.trim();
    const fromContext = context(contextKey);
    if (fromContext === undefined || fromContext === null || fromContext === "") return undefined;
    return typeof fromContext === "string" ? fromContext : JSON.stringify(fromContext);
  };
}

/** Defaults that let a team's traffic through and cap what a flood can cost (≈ 1.7 M requests a day). */
export const DEFAULT_THROTTLE: ThrottleOptions = { rateLimit: 20, burstLimit: 40 };

export function commonOptionsFrom(get: SettingLookup): CommonStackOptions {
  return {
    configFile: absolute(get("OCIAI_CONFIG_FILE", "configFile") ?? DEFAULT_CONFIG_FILE),
    namePrefix: get("OCIAI_NAME_PREFIX", "namePrefix") ?? "ociai-proxy",
    distDir: absolute(get("OCIAI_DIST_DIR", "distDir") ?? "dist"),
    throttle: {
      rateLimit: integer(get("OCIAI_THROTTLE_RATE", "throttleRate") ?? String(DEFAULT_THROTTLE.rateLimit), "throttleRate"),
      burstLimit: integer(get("OCIAI_THROTTLE_BURST", "throttleBurst") ?? String(DEFAULT_THROTTLE.burstLimit), "throttleBurst"),
    },
  };
}

export function awsOptionsFrom(get: SettingLookup, env: NodeJS.ProcessEnv = process.env): AwsStackOptions {
  return {
    ...commonOptionsFrom(get),
    region: get("OCIAI_AWS_REGION", "awsRegion") ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? "us-east-1",
    stageName: get("OCIAI_AWS_STAGE", "awsStage") ?? "prod",
    logRetentionDays: integer(get("OCIAI_AWS_LOG_RETENTION_DAYS", "awsLogRetentionDays") ?? "14", "awsLogRetentionDays"),
    accountKeySecretArns: jsonMap(get("OCIAI_AWS_ACCOUNT_KEY_SECRET_ARNS", "awsAccountKeySecretArns"), "awsAccountKeySecretArns"),
    apiKeySecretArn: get("OCIAI_AWS_API_KEY_SECRET_ARN", "awsApiKeySecretArn"),
  };
}

export function ociOptionsFrom(get: SettingLookup): OciStackOptions {
  return {
    ...commonOptionsFrom(get),
    region: get("OCIAI_OCI_REGION", "ociRegion"),
    homeRegion: get("OCIAI_OCI_HOME_REGION", "ociHomeRegion"),
    tenancyOcid: get("OCIAI_OCI_TENANCY_OCID", "ociTenancyOcid"),
    compartmentOcid: get("OCIAI_OCI_COMPARTMENT_OCID", "ociCompartmentOcid"),
    namespace: get("OCIAI_OCI_NAMESPACE", "ociNamespace"),
    subnetOcid: get("OCIAI_OCI_SUBNET_OCID", "ociSubnetOcid"),
    vaultOcid: get("OCIAI_OCI_VAULT_OCID", "ociVaultOcid"),
    vaultKeyOcid: get("OCIAI_OCI_VAULT_KEY_OCID", "ociVaultKeyOcid"),
    imageTag: get("OCIAI_OCI_IMAGE_TAG", "ociImageTag") ?? packageVersion(),
    registry: get("OCIAI_OCI_REGISTRY", "ociRegistry"),
    functionsShape: oneOf(get("OCIAI_OCI_FUNCTIONS_SHAPE", "ociFunctionsShape") ?? "GENERIC_X86", FUNCTIONS_SHAPES, "ociFunctionsShape"),
    logRetentionDays: integer(get("OCIAI_OCI_LOG_RETENTION_DAYS", "ociLogRetentionDays") ?? "30", "ociLogRetentionDays"),
    accountKeySecretOcids: jsonMap(get("OCIAI_OCI_ACCOUNT_KEY_SECRET_OCIDS", "ociAccountKeySecretOcids"), "ociAccountKeySecretOcids"),
    apiKeySecretOcid: get("OCIAI_OCI_API_KEY_SECRET_OCID", "ociApiKeySecretOcid"),
    bootstrap: /^(1|true|yes)$/i.test(get("OCIAI_OCI_BOOTSTRAP", "ociBootstrap") ?? ""),
    configProfile: get("OCIAI_OCI_CONFIG_PROFILE", "ociConfigProfile"),
  };
}

function oneOf<T extends string>(text: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(text)) throw new Error(`${name}: expected one of ${allowed.join(", ")}, got "${text}"`);
  return text as T;
}

function absolute(path: string): string {
  return isAbsolute(path) ? path : resolve(REPO_ROOT, path);
}

function integer(text: string, name: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name}: expected a positive integer, got "${text}"`);
  return value;
}

function jsonMap(text: string | undefined, name: string): Record<string, string> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${name}: expected a JSON object of account id → secret id, got ${text}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.values(value).some((v) => typeof v !== "string")) {
    throw new Error(`${name}: expected a JSON object of account id → secret id, got ${text}`);
  }
  return value as Record<string, string>;
}

/** The image tag defaults to the project's version, so a release bump means new images. */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version?: string }).version ?? "latest";
  } catch {
    return "latest";
  }
}
