import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Annotations, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { FUNCTIONS, ROUTES, functionName, type FunctionName } from "../shared/functions";
import { readInfraConfig, type InfraConfig } from "../shared/read-infra-config";
import { ociCronExpression } from "../shared/schedule-expression";
import { localStatePath, type OciStackOptions } from "../shared/stack-options";
import { ocirRegistry } from "./ocir-registry";
import { OciProvider } from "./provider/oci-provider";
import {
  ApigatewayDeployment,
  ApigatewayGateway,
  ArtifactsContainerRepository,
  FunctionsApplication,
  FunctionsFunction,
  IdentityDynamicGroup,
  IdentityPolicy,
  LoggingLog,
  LoggingLogGroup,
  ObjectstorageBucket,
  ResourceSchedulerSchedule,
} from "./provider/oci-resources";
import { ProxyNetwork } from "./proxy-network";
import { ProxyVaultSecrets } from "./proxy-vault-secrets";

/** The Fn image's working directory: the build puts config.conf next to func.js. */
const FUNCTION_ROOT = "/function";
/** OCI Functions' hard limit on execution time. */
export const OCI_MAX_FUNCTION_TIMEOUT_SECONDS = 300;

/** "/stats/*" → "/stats/{path*}" (OCI API Gateway's wildcard path parameter). */
export function ociRoutePath(path: string): string {
  return path.replace(/\/\*$/, "/{path*}");
}

/**
 * The proxy on OCI: API Gateway → OCI Functions (images in OCIR), Object Storage for
 * shared pool state, Vault secrets for the API keys of other tenancies' accounts (the
 * functions' own tenancy signs with its resource principal), a Resource Scheduler
 * schedule running health-check, and the IAM that ties them together: a dynamic group of
 * exactly these functions, and policies for Generative AI, the state bucket and the
 * secrets, plus API Gateway and the schedule invoking functions.
 *
 * Deploying is two steps the first time (see infra/README.md): with ociBootstrap the
 * stack creates only the container repositories; push the images; then deploy the rest.
 */
export class OciStack extends TerraformStack {
  readonly config: InfraConfig;
  readonly functions = {} as Record<FunctionName, FunctionsFunction>;

  constructor(scope: Construct, id: string, options: OciStackOptions) {
    super(scope, id);
    this.config = readInfraConfig(options.configFile);
    const prefix = options.namePrefix;
    const principal = this.config.accounts.find((account) => account.auth === "resource_principal");
    const region = options.region ?? principal?.region ?? this.config.accounts[0].region;

    new LocalBackend(this, { path: localStatePath(id) });
    new OciProvider(this, "oci", { region, configFileProfile: options.configProfile });
    // IAM writes must go to the tenancy's home region.
    const identityProvider =
      options.homeRegion && options.homeRegion !== region
        ? new OciProvider(this, "oci-home", { region: options.homeRegion, alias: "home", configFileProfile: options.configProfile })
        : undefined;
    new RandomProvider(this, "random");

    const input = (value: string | undefined, name: string, description: string) =>
      value ?? new TerraformVariable(this, name, { type: "string", description }).stringValue;
    const tenancyId = input(options.tenancyOcid ?? principal?.tenancy, "tenancy_ocid", "Tenancy OCID (dynamic group and policies live in its root compartment)");
    const compartmentId = input(options.compartmentOcid, "compartment_ocid", "Compartment OCID for every resource of the proxy");
    const namespace = input(options.namespace, "namespace", "Object Storage namespace of the tenancy (oci os ns get)");

    // Container repositories first: images must be pushed before functions can exist.
    const registry = options.registry ?? ocirRegistry(region);
    const images = {} as Record<FunctionName, string>;
    for (const spec of FUNCTIONS) {
      const repository = `${prefix}/${spec.name}`;
      new ArtifactsContainerRepository(this, `repository-${spec.name}`, {
        compartment_id: compartmentId,
        display_name: repository,
        is_public: false,
      });
      images[spec.name] = `${registry}/${namespace}/${repository}:${options.imageTag}`;
    }
    new TerraformOutput(this, "images", {
      value: images,
      description: "Image references the functions use: push the dist/oci/<fn> images under these names",
    });
    if (options.bootstrap) return;

    const subnetId = options.subnetOcid ?? new ProxyNetwork(this, "network", { compartmentId, namePrefix: prefix }).subnet.id;

    const bucket = new ObjectstorageBucket(this, "state", {
      compartment_id: compartmentId,
      namespace,
      name: `${prefix}-state`,
      access_type: "NoPublicAccess",
      storage_tier: "Standard",
    });

    const secrets = new ProxyVaultSecrets(this, "secrets", {
      compartmentId,
      namePrefix: prefix,
      config: this.config,
      vaultOcid: options.vaultOcid,
      vaultKeyOcid: options.vaultKeyOcid,
      accountKeySecretOcids: options.accountKeySecretOcids,
      apiKeySecretOcid: options.apiKeySecretOcid,
    });

    const application = new FunctionsApplication(this, "application", {
      compartment_id: compartmentId,
      display_name: prefix,
      subnet_ids: [subnetId],
      shape: options.functionsShape,
    });

    for (const spec of FUNCTIONS) {
      const config: Record<string, string> = {
        OCIAI_CONFIG_FILE: `${FUNCTION_ROOT}/config.conf`,
        OCIAI_STATE_STORE: "objectstorage",
        OCIAI_OS_NAMESPACE: namespace,
        OCIAI_OS_BUCKET: bucket.name,
        // account id → Vault secret OCID; the function reads the PEM with its resource principal.
        OCIAI_ACCOUNT_KEY_SECRETS: JSON.stringify(secrets.accountKeySecretOcids),
      };
      if (spec.servesClients) config.OCIAI_API_KEY_SECRET_OCID = secrets.apiKeySecretOcid;
      this.functions[spec.name] = new FunctionsFunction(this, `function-${spec.name}`, {
        application_id: application.id,
        display_name: spec.name,
        image: images[spec.name],
        memory_in_mbs: String(spec.oci.memoryMb),
        timeout_in_seconds: Math.min(spec.oci.timeoutSeconds, OCI_MAX_FUNCTION_TIMEOUT_SECONDS),
        config,
      });
    }

    const logGroup = new LoggingLogGroup(this, "log-group", {
      compartment_id: compartmentId,
      display_name: `${prefix}-logs`,
      description: "Function invocation logs of the OCI AI proxy",
    });
    new LoggingLog(this, "function-log", {
      display_name: `${prefix}-invoke`,
      log_group_id: logGroup.id,
      log_type: "SERVICE",
      is_enabled: true,
      retention_duration: ociLogRetention(options.logRetentionDays),
      configuration: {
        source: { service: "functions", category: "invoke", resource: application.id, source_type: "OCISERVICE" },
        compartment_id: compartmentId,
      },
    });

    const gateway = new ApigatewayGateway(this, "gateway", {
      compartment_id: compartmentId,
      endpoint_type: "PUBLIC",
      subnet_id: subnetId,
      display_name: prefix,
    });
    new ApigatewayDeployment(this, "deployment", {
      compartment_id: compartmentId,
      gateway_id: gateway.id,
      display_name: prefix,
      // The app routes on the full path (/v1/…, /health, /stats/…), so deploy at the root.
      path_prefix: "/",
      specification: {
        request_policies: {
          cors: {
            allowed_origins: this.config.corsOrigins,
            allowed_methods: ["GET", "POST", "OPTIONS"],
            allowed_headers: ["*"],
            max_age_in_seconds: 600,
          },
        },
        // ORACLE_FUNCTIONS_BACKEND has no timeout argument (the provider only sends
        // connect/read/send timeouts for HTTP_BACKEND): a route lasts as long as its
        // function may run, i.e. timeout_in_seconds (chat: 300 s, the Functions maximum).
        routes: ROUTES.map((route) => ({
          path: ociRoutePath(route.path),
          methods: route.methods,
          backend: { type: "ORACLE_FUNCTIONS_BACKEND" as const, function_id: this.functions[route.target].id },
        })),
      },
    });

    const healthCheck = this.functions["health-check"];
    const schedule = new ResourceSchedulerSchedule(this, "health-check-schedule", {
      compartment_id: compartmentId,
      display_name: `${functionName(prefix, "health-check")}-schedule`,
      description: `health_check_interval from ${this.config.file}, rounded up to whole minutes that divide the hour`,
      // START_RESOURCE on a function OCID invokes the function.
      action: "START_RESOURCE",
      recurrence_type: "CRON",
      recurrence_details: ociCronExpression(this.config.healthCheckIntervalMs),
      resources: [{ id: healthCheck.id }],
      state: "ACTIVE",
    });

    this.addIdentity({ prefix, tenancyId, compartmentId, bucketName: bucket.name, secrets, scheduleId: schedule.id, identityProvider });

    new TerraformOutput(this, "gateway_url", {
      value: `https://${gateway.hostname}/v1`,
      description: "OpenAI base URL (…/v1): POST {url}/chat/completions, GET {url}/models",
    });
    new TerraformOutput(this, "state_bucket", { value: bucket.name });
    new TerraformOutput(this, "application_id", { value: application.id });
    new TerraformOutput(this, "function_ids", {
      value: Object.fromEntries(FUNCTIONS.map((spec) => [spec.name, this.functions[spec.name].id])),
      description: "fn invoke <application> test-oci, or: oci fn function invoke --function-id <test-oci> --file - --body ''",
    });
    new TerraformOutput(this, "api_key_secret_ocid", {
      value: secrets.apiKeySecretOcid,
      description: "Vault secret with the proxy API key (oci secrets secret-bundle get --secret-id …)",
    });
  }

  /**
   * Who may do what: a dynamic group of exactly the proxy's functions, allowed to use
   * Generative AI (only where resource-principal accounts run models), to manage objects
   * in the state bucket and to read the proxy's secrets; API Gateway may invoke functions
   * in the compartment; the health-check schedule may invoke functions; the Functions
   * service may use the network and pull the images.
   */
  private addIdentity(props: {
    prefix: string;
    tenancyId: string;
    compartmentId: string;
    bucketName: string;
    secrets: ProxyVaultSecrets;
    scheduleId: string;
    identityProvider?: OciProvider;
  }): void {
    const { prefix, compartmentId } = props;
    const meta = props.identityProvider ? { provider: props.identityProvider } : {};
    const functionIds = FUNCTIONS.map((spec) => this.functions[spec.name].id);
    const group = new IdentityDynamicGroup(
      this,
      "functions-group",
      {
        compartment_id: props.tenancyId,
        name: `${prefix}-functions`,
        description: "The OCI AI proxy's functions (resource principals)",
        matching_rule: `ANY {${functionIds.map((fnId) => `resource.id = '${fnId}'`).join(", ")}}`,
      },
      meta,
    );
    const dg = `dynamic-group ${group.name}`;
    const inCompartment = `compartment id ${compartmentId}`;

    const statements: string[] = [];
    const genAiScopes = new Set<string>();
    for (const account of this.config.accounts) {
      if (account.auth === "instance_principal") {
        Annotations.of(this).addWarning(`account ${account.id}: instance_principal does not work inside OCI Functions; use resource_principal`);
      }
      if (account.auth !== "resource_principal") continue;
      const target = account.compartmentId;
      genAiScopes.add(!target || target.startsWith("ocid1.tenancy.") ? "tenancy" : `compartment id ${target}`);
    }
    for (const scope of genAiScopes) statements.push(`Allow ${dg} to use generative-ai-family in ${scope}`);
    statements.push(`Allow ${dg} to manage objects in ${inCompartment} where target.bucket.name = '${props.bucketName}'`);
    const secretIds = [...Object.values(props.secrets.accountKeySecretOcids), props.secrets.apiKeySecretOcid];
    statements.push(`Allow ${dg} to read secret-bundles in tenancy where any {${secretIds.map((sid) => `target.secret.id = '${sid}'`).join(", ")}}`);

    new IdentityPolicy(
      this,
      "functions-policy",
      {
        compartment_id: props.tenancyId,
        name: `${prefix}-functions`,
        description: "OCI AI proxy functions: Generative AI, state bucket, secrets",
        statements,
      },
      meta,
    );
    new IdentityPolicy(
      this,
      "services-policy",
      {
        compartment_id: props.tenancyId,
        name: `${prefix}-services`,
        description: "OCI AI proxy: API Gateway and the health-check schedule invoke functions; Functions uses the network and images",
        statements: [
          `Allow any-user to use functions-family in ${inCompartment} where ALL {request.principal.type = 'ApiGateway', request.resource.compartment.id = '${compartmentId}'}`,
          `Allow any-user to use functions-family in ${inCompartment} where ALL {request.principal.type = 'resourceschedule', request.principal.id = '${props.scheduleId}'}`,
          `Allow service faas to use virtual-network-family in ${inCompartment}`,
          `Allow service faas to read repos in ${inCompartment}`,
        ],
      },
      meta,
    );
  }
}

/** OCI Logging keeps logs 30 to 180 days, in steps of 30: round up into that range. */
export function ociLogRetention(days: number): number {
  return Math.min(180, Math.max(30, Math.ceil(days / 30) * 30));
}
