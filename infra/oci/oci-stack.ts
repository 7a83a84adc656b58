import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Annotations, LocalBackend, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { FUNCTIONS, functionName, type FunctionName } from "../shared/functions";
import type { InfraConfig } from "../shared/load-infra-config";
import { ROUTES, routesByPath, servesClients, type GatewayRoute } from "../shared/routes";
import { OCI_SCHEDULE_MIN_INTERVAL_MS, ociCronExpression } from "../shared/schedule-expression";
import { secretWarnings, stackRefusal } from "../shared/stack-checks";
import { localStatePath, type FunctionsShape, type OciStackOptions } from "../shared/stack-options";
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
  type ApiRoute,
} from "./provider/oci-resources";
import { ProxyNetwork } from "./proxy-network";
import { ProxyVaultSecrets } from "./proxy-vault-secrets";

/** The image's working directory (infra/oci/function-image.ts): config.conf sits next to func.js. */
const FUNCTION_ROOT = "/function";
/**
 * Object Storage permissions of the state store (shared/state/object-storage-state-store.ts
 * calls getObject, putObject and deleteObject), rather than `manage objects`.
 */
export const STATE_BUCKET_PERMISSIONS = ["OBJECT_READ", "OBJECT_CREATE", "OBJECT_OVERWRITE", "OBJECT_DELETE"];
/** OCI Functions' hard limit on execution time. */
export const OCI_MAX_FUNCTION_TIMEOUT_SECONDS = 300;

/** Image platform for an application shape (docker build --platform). */
export const IMAGE_PLATFORMS: Record<FunctionsShape, string> = {
  GENERIC_X86: "linux/amd64",
  GENERIC_ARM: "linux/arm64",
  GENERIC_X86_ARM: "linux/amd64,linux/arm64",
};

/** "/v1/models/{id+}" → "/v1/models/{id*}" (OCI API Gateway's wildcard path parameter). */
export function ociRoutePath(path: string): string {
  return path.replace(/\{([^}]+)\+\}$/, "{$1*}");
}

/**
 * The deployment's routes: one per path and function, with the table's methods; OPTIONS
 * goes with the path's first route (the app answers CORS preflights, so the gateway has
 * no CORS policy of its own and CORS is answered once).
 */
export function ociRoutes(routes: readonly GatewayRoute[], functionIds: Record<FunctionName, string>): ApiRoute[] {
  const out: ApiRoute[] = [];
  for (const [path, onPath] of routesByPath(routes)) {
    const targets = [...new Set(onPath.map((route) => route.fn))];
    targets.forEach((fn, index) => {
      const methods = onPath.filter((route) => route.fn === fn).map((route) => route.method as string);
      out.push({
        path: ociRoutePath(path),
        methods: index === 0 ? [...methods, "OPTIONS"] : methods,
        backend: { type: "ORACLE_FUNCTIONS_BACKEND", function_id: functionIds[fn] },
      });
    });
  }
  return out;
}

/**
 * The proxy on OCI: API Gateway → OCI Functions (images in OCIR), Object Storage for
 * shared pool state, Vault secrets for the API keys of other tenancies' accounts (the
 * functions' own tenancy signs with its resource principal), a Resource Scheduler
 * schedule running health-check, and the IAM that ties them together.
 *
 * IAM is ordered for a first `apply`: the services policy (API Gateway and the schedule's
 * service may invoke functions, Functions may use the network and pull images) names
 * nothing the stack creates, so it comes first and the application, the functions and the
 * gateway deployment wait for it (API Gateway checks function access when a deployment is
 * created). The functions' own policy names their dynamic group, and the schedule's names
 * the schedule: both come after what they name, before either is used.
 *
 * Deploying is two steps the first time (see infra/README.md): with ociBootstrap the
 * stack creates only the container repositories; push the images; then deploy the rest.
 *
 * @param config The checked config (loadInfraConfig); one the functions cannot run
 *   (instance_principal) is refused with StackRefusedError.
 */
export class OciStack extends TerraformStack {
  readonly config: InfraConfig;
  readonly functions = {} as Record<FunctionName, FunctionsFunction>;

  constructor(scope: Construct, id: string, options: OciStackOptions, config: InfraConfig) {
    super(scope, id);
    const refused = stackRefusal(config, "oci");
    if (refused) throw refused;
    this.config = config;
    const prefix = options.namePrefix;
    const principal = config.accounts.find((account) => account.auth === "resource_principal");
    const region = options.region ?? principal?.region ?? config.accounts[0].region;
    for (const warning of secretWarnings(config, { createsApiKeySecret: !options.apiKeySecretOcid, apiKeySetting: "OCIAI_OCI_API_KEY_SECRET_OCID" })) {
      Annotations.of(this).addWarning(warning);
    }

    new LocalBackend(this, { path: localStatePath(id) });
    new OciProvider(this, "oci", { region, configFileProfile: options.configProfile });
    // IAM writes must go to the tenancy's home region.
    const identityProvider =
      options.homeRegion && options.homeRegion !== region
        ? new OciProvider(this, "oci-home", { region: options.homeRegion, alias: "home", configFileProfile: options.configProfile })
        : undefined;
    const iam = identityProvider ? { provider: identityProvider } : {};
    new RandomProvider(this, "random");

    const input = (value: string | undefined, name: string, description: string) =>
      value ?? new TerraformVariable(this, name, { type: "string", description }).stringValue;
    const tenancyId = input(options.tenancyOcid ?? principal?.tenancy, "tenancy_ocid", "Tenancy OCID (dynamic group and policies live in its root compartment)");
    const compartmentId = input(options.compartmentOcid, "compartment_ocid", "Compartment OCID for every resource of the proxy");
    const namespace = input(options.namespace, "namespace", "Object Storage namespace of the tenancy (oci os ns get)");
    const inCompartment = `compartment id ${compartmentId}`;

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
    new TerraformOutput(this, "image_platform", {
      value: IMAGE_PLATFORMS[options.functionsShape],
      description: "docker build --platform for the application's shape",
    });
    if (options.bootstrap) return;

    // Names nothing created here, so it exists before anything that needs it (see the class comment).
    const servicesPolicy = new IdentityPolicy(
      this,
      "services-policy",
      {
        compartment_id: tenancyId,
        name: `${prefix}-services`,
        description: "OCI AI proxy: API Gateway invokes functions; Functions uses the network and pulls images",
        statements: [
          `Allow any-user to use functions-family in ${inCompartment} where ALL {request.principal.type = 'ApiGateway', request.resource.compartment.id = '${compartmentId}'}`,
          `Allow service faas to use virtual-network-family in ${inCompartment}`,
          `Allow service faas to read repos in ${inCompartment}`,
        ],
      },
      iam,
    );

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
      config,
      vaultOcid: options.vaultOcid,
      vaultKeyOcid: options.vaultKeyOcid,
      accountKeySecretOcids: options.accountKeySecretOcids,
      apiKeySecretOcid: options.apiKeySecretOcid,
    });

    const application = new FunctionsApplication(
      this,
      "application",
      { compartment_id: compartmentId, display_name: prefix, subnet_ids: [subnetId], shape: options.functionsShape },
      { dependsOn: [servicesPolicy] },
    );

    for (const spec of FUNCTIONS) {
      const functionConfig: Record<string, string> = {
        OCIAI_CONFIG_FILE: `${FUNCTION_ROOT}/config.conf`,
        OCIAI_STATE_STORE: "objectstorage",
        OCIAI_OS_NAMESPACE: namespace,
        OCIAI_OS_BUCKET: bucket.name,
        // account id → Vault secret OCID; the function reads the PEM with its resource principal.
        OCIAI_ACCOUNT_KEY_SECRETS: JSON.stringify(secrets.accountKeySecretOcids),
      };
      if (servesClients(spec.name)) functionConfig.OCIAI_API_KEY_SECRET_OCID = secrets.apiKeySecretOcid;
      const timeout = Math.min(spec.oci.timeoutSeconds, OCI_MAX_FUNCTION_TIMEOUT_SECONDS);
      this.functions[spec.name] = new FunctionsFunction(
        this,
        `function-${spec.name}`,
        {
          application_id: application.id,
          display_name: spec.name,
          image: images[spec.name],
          memory_in_mbs: String(spec.oci.memoryMb),
          timeout_in_seconds: timeout,
          // Resource Scheduler invokes detached: give those runs the same time as direct ones.
          ...(spec.name === "health-check" ? { detached_mode_timeout_in_seconds: timeout } : {}),
          config: functionConfig,
        },
        { dependsOn: [servicesPolicy] },
      );
    }
    const functionIds = Object.fromEntries(FUNCTIONS.map((spec) => [spec.name, this.functions[spec.name].id])) as Record<FunctionName, string>;

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
    new ApigatewayDeployment(
      this,
      "deployment",
      {
        compartment_id: compartmentId,
        gateway_id: gateway.id,
        display_name: prefix,
        // The app routes on the full path (/v1/…, /health, /stats/…), so deploy at the root.
        path_prefix: "/",
        specification: {
          // No CORS policy: OPTIONS reaches the app, which answers CORS for cors_origins.
          // A total cap, like AWS's stage throttling: a flood from many addresses is bounded too.
          request_policies: { rate_limiting: { rate_in_requests_per_second: options.throttle.rateLimit, rate_key: "TOTAL" } },
          // ORACLE_FUNCTIONS_BACKEND has no timeout argument (the provider only sends
          // connect/read/send timeouts for HTTP_BACKEND): a route lasts as long as its
          // function may run, i.e. timeout_in_seconds (chat: 300 s, the Functions maximum).
          routes: ociRoutes(ROUTES, functionIds),
        },
      },
      { dependsOn: [servicesPolicy] },
    );

    const schedule = this.addHealthCheckSchedule(prefix, compartmentId);

    // After what they name (dynamic groups, the schedule), before either is used.
    const dynamicGroup = (constructId: string, name: string, description: string, members: readonly FunctionName[]) =>
      new IdentityDynamicGroup(
        this,
        constructId,
        { compartment_id: tenancyId, name, description, matching_rule: `ANY {${members.map((fn) => `resource.id = '${functionIds[fn]}'`).join(", ")}}` },
        iam,
      );
    const everyFunction = dynamicGroup("dynamic-group-all", `${prefix}-functions`, "The OCI AI proxy's functions (resource principals)", FUNCTIONS.map((spec) => spec.name));
    const clientFacing = dynamicGroup(
      "dynamic-group-clients",
      `${prefix}-client-functions`,
      "The OCI AI proxy's functions that serve clients (they check the API key)",
      FUNCTIONS.map((spec) => spec.name).filter((fn) => servesClients(fn)),
    );
    new IdentityPolicy(
      this,
      "functions-policy",
      {
        compartment_id: tenancyId,
        name: `${prefix}-functions`,
        description: "OCI AI proxy functions: Generative AI, state bucket, secrets",
        statements: this.functionStatements(`dynamic-group ${everyFunction.name}`, `dynamic-group ${clientFacing.name}`, inCompartment, bucket.name, secrets),
      },
      iam,
    );
    new IdentityPolicy(
      this,
      "schedule-policy",
      {
        compartment_id: tenancyId,
        name: `${prefix}-schedule`,
        description: "OCI AI proxy: the health-check schedule invokes its function",
        // Oracle's documented grant for a schedule acting on functions is `manage` (the
        // Resource Scheduler examples and the Functions guide); this one schedule only.
        statements: [
          `Allow any-user to manage functions-family in ${inCompartment} where ALL {request.principal.type = 'resourceschedule', request.principal.id = '${schedule.id}'}`,
        ],
      },
      iam,
    );

    new TerraformOutput(this, "gateway_url", {
      value: `https://${gateway.hostname}/v1`,
      description: "OpenAI base URL (…/v1): POST {url}/chat/completions, GET {url}/models",
    });
    new TerraformOutput(this, "state_bucket", { value: bucket.name });
    new TerraformOutput(this, "application_id", { value: application.id });
    new TerraformOutput(this, "function_ids", {
      value: functionIds,
      description: "fn invoke <application> test-oci, or: oci fn function invoke --function-id <test-oci> --file - --body ''",
    });
    new TerraformOutput(this, "api_key_secret_ocid", {
      value: secrets.apiKeySecretOcid,
      description: "Vault secret with the proxy API key (oci secrets secret-bundle get --secret-id …)",
    });
  }

  /**
   * Resource Scheduler → health-check. The service runs schedules at most hourly: a
   * shorter health_check_interval is clamped, with a warning at synth.
   */
  private addHealthCheckSchedule(prefix: string, compartmentId: string): ResourceSchedulerSchedule {
    const interval = this.config.healthCheckIntervalMs;
    const expression = ociCronExpression(interval);
    if (interval < OCI_SCHEDULE_MIN_INTERVAL_MS) {
      Annotations.of(this).addWarning(
        `${this.config.shownPath} health_check_interval: ${interval / 1000}s is shorter than OCI Resource Scheduler allows (once an hour); ` +
          `the health-check function runs hourly ("${expression}"). Between runs the functions still skip accounts whose breaker opened ` +
          "and mark an account unhealthy on its first auth error.",
      );
    }
    return new ResourceSchedulerSchedule(this, "health-check-schedule", {
      compartment_id: compartmentId,
      display_name: `${functionName(prefix, "health-check")}-schedule`,
      description: "health_check_interval of the proxy config, at least hourly, rounded up to hours that divide a day",
      // START_RESOURCE on a function OCID invokes the function (detached).
      action: "START_RESOURCE",
      recurrence_type: "CRON",
      recurrence_details: expression,
      resources: [{ id: this.functions["health-check"].id }],
      state: "ACTIVE",
    });
  }

  /**
   * Every function may use Generative AI only where resource-principal accounts run
   * models, manage objects in the state bucket only, and read the account keys' secrets
   * only; the API key's secret is readable by the client-facing functions alone.
   */
  private functionStatements(every: string, clientFacing: string, inCompartment: string, bucketName: string, secrets: ProxyVaultSecrets): string[] {
    const statements: string[] = [];
    const genAiScopes = new Set<string>();
    for (const account of this.config.accounts) {
      if (account.auth !== "resource_principal") continue;
      const target = account.compartmentId;
      genAiScopes.add(!target || target.startsWith("ocid1.tenancy.") ? "tenancy" : `compartment id ${target}`);
    }
    for (const scope of genAiScopes) statements.push(`Allow ${every} to use generative-ai-family in ${scope}`);
    // What the state store calls: GetObject, PutObject (new or overwritten), DeleteObject.
    statements.push(`Allow ${every} to {${STATE_BUCKET_PERMISSIONS.join(", ")}} in ${inCompartment} where target.bucket.name = '${bucketName}'`);
    const keySecretIds = Object.values(secrets.accountKeySecretOcids);
    if (keySecretIds.length > 0) {
      statements.push(`Allow ${every} to read secret-bundles in tenancy where any {${keySecretIds.map((sid) => `target.secret.id = '${sid}'`).join(", ")}}`);
    }
    statements.push(`Allow ${clientFacing} to read secret-bundles in tenancy where target.secret.id = '${secrets.apiKeySecretOcid}'`);
    return statements;
  }
}

/** OCI Logging keeps logs 30 to 180 days, in steps of 30: round up into that range. */
export function ociLogRetention(days: number): number {
  return Math.min(180, Math.max(30, Math.ceil(days / 30) * 30));
}
