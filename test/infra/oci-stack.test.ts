import { Testing, TerraformStack } from "cdktf";
import { OciStack, ociRoutePath } from "../../infra/oci/oci-stack";
import { OciProvider } from "../../infra/oci/provider/oci-provider";
import {
  ApigatewayDeployment,
  ApigatewayGateway,
  FunctionsFunction,
  IdentityPolicy,
  ObjectstorageBucket,
  ResourceSchedulerSchedule,
} from "../../infra/oci/provider/oci-resources";
import { checkOciResource, OCI_SCHEMA } from "../../infra/oci/schema/check-oci-attributes";
import { FUNCTIONS, ROUTES } from "../../infra/shared/functions";
import { FAKE_KEY_MARKER, ociOptions, resourceNamed, resources, synth, terraformName, writeDeployConfig, type Synthesized } from "./helpers";

Testing.setupJest();

const COMPARTMENT = "ocid1.compartment.oc1..aaaacompartment";
const TENANCY = "ocid1.tenancy.oc1..aaaatenancy";

/** Every resource in the stack whose type belongs to the OCI provider. */
function ociResources(out: Synthesized): Array<[string, string, Record<string, unknown>]> {
  return Object.entries(out.json.resource)
    .filter(([type]) => type.startsWith("oci_"))
    .flatMap(([type, byName]) => Object.entries(byName).map(([name, config]) => [type, name, config] as [string, string, Record<string, unknown>]));
}

describe("OCI stack from the example config", () => {
  let stack: OciStack;
  let out: Synthesized;
  beforeAll(() => {
    stack = new OciStack(Testing.app(), "oci", ociOptions());
    out = synth(stack); // with validations: every OCI construct checks itself against the schema
  });

  test("every synthesized OCI resource uses only the provider's argument names (nested blocks too)", () => {
    const all = ociResources(out);
    expect(all.length).toBeGreaterThan(20);
    for (const [type, name, config] of all) {
      expect({ resource: `${type}.${name}`, problems: checkOciResource(type, config) }).toEqual({ resource: `${type}.${name}`, problems: [] });
    }
    // Each type used is one the allowed-attribute list covers.
    for (const type of new Set(all.map(([type]) => type))) expect(OCI_SCHEMA.resources[type]).toBeDefined();
  });

  test("the provider is oracle/oci, pinned to the schema's major version", () => {
    expect(out.json.terraform.required_providers.oci).toEqual({ source: "oracle/oci", version: ">= 8.28.0, < 9.0.0" });
    expect(out.text).toHaveProviderWithProperties(OciProvider, { region: "us-phoenix-1" });
  });

  test("one repository and one function per bundle; images from OCIR; timeouts within 300 s", () => {
    const repositories = resources(out, "oci_artifacts_container_repository");
    expect(repositories.map((r) => r.display_name).sort()).toEqual(FUNCTIONS.map((f) => `ociai-proxy/${f.name}`).sort());
    for (const repository of repositories) expect(repository.is_public).toBe(false);

    const functions = resources(out, "oci_functions_function");
    expect(functions.map((f) => f.display_name).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    for (const fn of functions) {
      expect(fn.image).toBe(`phx.ocir.io/axaxnamespace/ociai-proxy/${fn.display_name}:1.2.3`);
      expect(fn.timeout_in_seconds as number).toBeLessThanOrEqual(300);
      expect(typeof fn.memory_in_mbs).toBe("string");
      expect(fn.application_id).toBe("${oci_functions_application.application.id}");
    }
    expect(out.text).toHaveResourceWithProperties(FunctionsFunction, { display_name: "chat", timeout_in_seconds: 300, memory_in_mbs: "1024" });
    const [application] = resources(out, "oci_functions_application");
    expect(application.subnet_ids).toEqual([`\${${terraformName(out, "oci_core_subnet", "network")}.id}`]);
  });

  test("function config points at the bundled config and the state bucket; secrets by OCID only", () => {
    for (const fn of resources(out, "oci_functions_function")) {
      const config = fn.config as Record<string, string>;
      expect(config).toMatchObject({
        OCIAI_CONFIG_FILE: "/function/config.conf",
        OCIAI_STATE_STORE: "objectstorage",
        OCIAI_OS_NAMESPACE: "axaxnamespace",
        OCIAI_OS_BUCKET: "${oci_objectstorage_bucket.state.name}",
      });
      const secrets = JSON.parse(config.OCIAI_ACCOUNT_KEY_SECRETS) as Record<string, string>;
      expect(Object.keys(secrets).sort()).toEqual(["backup_eu_frankfurt", "primary_us_phoenix", "secondary_us_chicago"]);
      for (const ref of Object.values(secrets)) expect(ref).toMatch(/^\$\{oci_vault_secret\.[\w-]+\.id\}$/);
      for (const value of Object.values(config)) {
        expect(value).not.toContain("multi_account_proxy_key");
        expect(value).not.toMatch(/PRIVATE KEY|BEGIN/);
      }
      const servesClients = FUNCTIONS.find((f) => f.name === fn.display_name)!.servesClients;
      if (servesClients) expect(config.OCIAI_API_KEY_SECRET_OCID).toMatch(/^\$\{oci_vault_secret\.[\w-]+\.id\}$/);
      else expect(config.OCIAI_API_KEY_SECRET_OCID).toBeUndefined();
    }
  });

  test("API Gateway: public gateway, root deployment routing every route to its function backend, CORS", () => {
    expect(out.text).toHaveResourceWithProperties(ApigatewayGateway, { endpoint_type: "PUBLIC", compartment_id: COMPARTMENT });
    expect(out.text).toHaveResourceWithProperties(ApigatewayDeployment, { path_prefix: "/" });
    const [deployment] = resources(out, "oci_apigateway_deployment");
    const specification = deployment.specification as { routes: any[]; request_policies: any };
    expect(specification.routes).toHaveLength(ROUTES.length);
    for (const route of ROUTES) {
      const target = terraformName(out, "oci_functions_function", `function-${route.target}`);
      expect(specification.routes).toContainEqual({
        path: ociRoutePath(route.path),
        methods: route.methods,
        backend: { type: "ORACLE_FUNCTIONS_BACKEND", function_id: `\${${target}.id}` },
      });
    }
    expect(specification.routes.map((r) => r.path)).toContain("/stats/{path*}");
    expect(specification.request_policies.cors).toMatchObject({ allowed_origins: ["*"], allowed_methods: expect.arrayContaining(["GET", "POST", "OPTIONS"]) });
  });

  test("Object Storage state bucket, private", () => {
    expect(out.text).toHaveResourceWithProperties(ObjectstorageBucket, {
      name: "ociai-proxy-state",
      namespace: "axaxnamespace",
      compartment_id: COMPARTMENT,
      access_type: "NoPublicAccess",
    });
  });

  test("dynamic group of exactly the proxy's functions, in the tenancy", () => {
    const [group] = resources(out, "oci_identity_dynamic_group");
    expect(group.compartment_id).toBe(TENANCY);
    for (const spec of FUNCTIONS) {
      expect(group.matching_rule).toContain(`resource.id = '\${${terraformName(out, "oci_functions_function", `function-${spec.name}`)}.id}'`);
    }
  });

  test("policies: bucket objects and secrets for the functions; API Gateway and the schedule may invoke functions", () => {
    const policies = resources(out, "oci_identity_policy");
    const statements = policies.flatMap((p) => p.statements as string[]);
    for (const policy of policies) expect(policy.compartment_id).toBe(TENANCY);
    const dg = "dynamic-group ${oci_identity_dynamic_group.functions-group.name}";
    expect(statements).toContain(
      `Allow ${dg} to manage objects in compartment id ${COMPARTMENT} where target.bucket.name = '\${oci_objectstorage_bucket.state.name}'`,
    );
    expect(statements).toContainEqual(expect.stringMatching(new RegExp(`^Allow ${escape(dg)} to read secret-bundles in tenancy where any \\{target\\.secret\\.id = `)));
    expect(statements).toContain(
      `Allow any-user to use functions-family in compartment id ${COMPARTMENT} where ALL {request.principal.type = 'ApiGateway', request.resource.compartment.id = '${COMPARTMENT}'}`,
    );
    expect(statements).toContain(
      `Allow any-user to use functions-family in compartment id ${COMPARTMENT} where ALL {request.principal.type = 'resourceschedule', request.principal.id = '\${oci_resource_scheduler_schedule.health-check-schedule.id}'}`,
    );
    // No account in the example uses the functions' own identity: no Generative AI grant.
    expect(statements.join("\n")).not.toContain("generative-ai-family");
    expect(out.text).toHaveResourceWithProperties(IdentityPolicy, { name: "ociai-proxy-services" });
  });

  test("Resource Scheduler runs health-check every minute (30s rounded up)", () => {
    expect(out.text).toHaveResourceWithProperties(ResourceSchedulerSchedule, {
      action: "START_RESOURCE",
      recurrence_type: "CRON",
      recurrence_details: "* * * * *",
      state: "ACTIVE",
      resources: [{ id: `\${${terraformName(out, "oci_functions_function", "function-health-check")}.id}` }],
    });
  });

  test("Vault secrets hold the account keys (read by Terraform from key_file) and the API key", () => {
    const secrets = resources(out, "oci_vault_secret");
    expect(secrets.map((s) => s.secret_name).sort()).toEqual([
      "ociai-proxy-api-key",
      "ociai-proxy-oci-private-key-backup_eu_frankfurt",
      "ociai-proxy-oci-private-key-primary_us_phoenix",
      "ociai-proxy-oci-private-key-secondary_us_chicago",
    ]);
    const primary = resourceNamed(out, "oci_vault_secret", "key-primary_us_phoenix");
    expect(primary.secret_content).toEqual({ content_type: "BASE64", content: expect.stringMatching(/^\$\{filebase64\(".*\/config\/1\.pem"\)\}$/) });
    expect(resources(out, "oci_kms_vault")).toEqual([expect.objectContaining({ vault_type: "DEFAULT" })]);
  });

  test("network: VCN, internet gateway, HTTPS-only ingress, public subnet shared by functions and gateway", () => {
    const subnet = `\${${terraformName(out, "oci_core_subnet", "network")}.id}`;
    expect(resources(out, "oci_apigateway_gateway")[0].subnet_id).toBe(subnet);
    const [security] = resources(out, "oci_core_security_list");
    expect(security.ingress_security_rules).toEqual([expect.objectContaining({ protocol: "6", tcp_options: { min: 443, max: 443 } })]);
    expect(resources(out, "oci_core_route_table")[0].route_rules).toEqual([
      expect.objectContaining({ destination: "0.0.0.0/0", network_entity_id: `\${${terraformName(out, "oci_core_internet_gateway", "network")}.id}` }),
    ]);
  });

  test("outputs: gateway URL (…/v1), bucket, function OCIDs", () => {
    const outputs = out.json.output!;
    expect(outputs.gateway_url.value).toBe("https://${oci_apigateway_gateway.gateway.hostname}/v1");
    expect(outputs.state_bucket.value).toBe("${oci_objectstorage_bucket.state.name}");
    expect(Object.keys(outputs.function_ids.value as object).sort()).toEqual(FUNCTIONS.map((f) => f.name).sort());
    expect(outputs.function_ids.description).toContain("fn invoke");
  });
});

describe("OCI stack from a deploy-shaped config", () => {
  let out: Synthesized;
  beforeAll(() => {
    const { file } = writeDeployConfig();
    out = synth(
      new OciStack(Testing.app(), "oci", ociOptions({ configFile: file, tenancyOcid: undefined, compartmentOcid: undefined, namespace: undefined, homeRegion: "us-ashburn-1" })),
    );
  });

  test("region and tenancy come from the resource-principal account; other inputs become Terraform variables", () => {
    expect(out.text).toHaveProviderWithProperties(OciProvider, { region: "us-chicago-1" });
    expect(Object.keys(out.json.variable ?? {}).sort()).toEqual(["compartment_ocid", "namespace"]);
    expect(resources(out, "oci_identity_dynamic_group")[0].compartment_id).toBe("ocid1.tenancy.oc1..aaaahome");
    expect(resources(out, "oci_functions_function")[0].image).toMatch(/^ord\.ocir\.io\/\$\{var\.namespace\}\//);
  });

  test("IAM goes to the home region through an aliased provider", () => {
    expect(out.json.provider!.oci).toContainEqual({ alias: "home", region: "us-ashburn-1" });
    for (const type of ["oci_identity_dynamic_group", "oci_identity_policy"]) {
      for (const resource of resources(out, type)) expect(resource.provider).toBe("oci.home");
    }
  });

  test("Generative AI is granted where the resource-principal account runs models; only key-file accounts get secrets", () => {
    const statements = resources(out, "oci_identity_policy").flatMap((p) => p.statements as string[]);
    expect(statements).toContain("Allow dynamic-group ${oci_identity_dynamic_group.functions-group.name} to use generative-ai-family in tenancy");
    expect(resources(out, "oci_vault_secret").map((s) => s.secret_name).sort()).toEqual(["ociai-proxy-api-key", "ociai-proxy-oci-private-key-partner_frankfurt"]);
    expect(out.text).not.toContain(FAKE_KEY_MARKER);
  });

  test("generated API key, restricted CORS origins, 10 minute schedule", () => {
    const apiKey = resourceNamed(out, "oci_vault_secret", "api-key");
    expect((apiKey.secret_content as { content: string }).content).toMatch(/^\$\{base64encode\("sk-oci-\$\{random_password\.[\w-]+\.result\}"\)\}$/);
    const [deployment] = resources(out, "oci_apigateway_deployment");
    expect((deployment.specification as any).request_policies.cors.allowed_origins).toEqual(["https://chat.example.com", "https://app.example.com"]);
    expect(resources(out, "oci_resource_scheduler_schedule")[0].recurrence_details).toBe("*/10 * * * *");
  });
});

describe("OCI stack options", () => {
  test("bootstrap synthesizes only the container repositories (images must exist before functions)", () => {
    const out = synth(new OciStack(Testing.app(), "oci", ociOptions({ bootstrap: true })));
    expect(Object.keys(out.json.resource)).toEqual(["oci_artifacts_container_repository"]);
    expect(out.json.output!.images.value).toMatchObject({ chat: "phx.ocir.io/axaxnamespace/ociai-proxy/chat:1.2.3" });
  });

  test("existing subnet, vault and secrets are used instead of created", () => {
    const out = synth(
      new OciStack(
        Testing.app(),
        "oci",
        ociOptions({
          subnetOcid: "ocid1.subnet.oc1..mine",
          vaultOcid: "ocid1.vault.oc1..mine",
          vaultKeyOcid: "ocid1.key.oc1..mine",
          accountKeySecretOcids: { primary_us_phoenix: "ocid1.vaultsecret.oc1..primary" },
          apiKeySecretOcid: "ocid1.vaultsecret.oc1..apikey",
          registry: "iad.ocir.io",
        }),
      ),
    );
    expect(resources(out, "oci_core_vcn")).toHaveLength(0);
    expect(resources(out, "oci_kms_vault")).toHaveLength(0);
    expect(resources(out, "oci_functions_application")[0].subnet_ids).toEqual(["ocid1.subnet.oc1..mine"]);
    expect(resources(out, "oci_vault_secret").map((s) => s.vault_id)).toEqual(["ocid1.vault.oc1..mine", "ocid1.vault.oc1..mine"]);
    const chat = resources(out, "oci_functions_function").find((f) => f.display_name === "chat")!;
    expect((chat.config as Record<string, string>).OCIAI_API_KEY_SECRET_OCID).toBe("ocid1.vaultsecret.oc1..apikey");
    expect(chat.image).toBe("iad.ocir.io/axaxnamespace/ociai-proxy/chat:1.2.3");
  });
});

describe("OCI attribute checking", () => {
  test("flags unknown names at any depth, missing required arguments, wrong types and values", () => {
    expect(
      checkOciResource("oci_functions_function", {
        application_id: "x",
        display_name: "f",
        memory_in_mbs: 256,
        timeout: 30,
        provisioned_concurrency_config: { strategy: "SOMETIMES", size: 1 },
      }),
    ).toEqual([
      "oci_functions_function.memory_in_mbs: expected string, got number",
      "oci_functions_function.timeout: not an argument of oci_functions_function",
      'oci_functions_function.provisioned_concurrency_config.strategy: "SOMETIMES" is not one of CONSTANT, NONE',
      "oci_functions_function.provisioned_concurrency_config.size: not an argument of oci_functions_function",
    ]);
    expect(checkOciResource("oci_apigateway_deployment", { compartment_id: "c", gateway_id: "g", path_prefix: "/", specification: { routes: [{ path: "/", backend: { type: "ORACLE_FUNCTIONS_BACKEND", fn_id: "x" } }] } })).toEqual([
      "oci_apigateway_deployment.specification.routes.backend.fn_id: not an argument of oci_apigateway_deployment",
    ]);
    expect(checkOciResource("oci_identity_policy", { name: "p", compartment_id: "c", statements: ["s"] })).toEqual([
      "oci_identity_policy.description: required argument missing",
    ]);
    expect(checkOciResource("oci_made_up", {})).toEqual(["oci_made_up: not a resource type in the allowed-attribute list"]);
  });

  test("a construct given an argument the provider does not know fails synth", () => {
    const stack = new TerraformStack(Testing.app(), "bad");
    new OciProvider(stack, "oci", { region: "us-chicago-1" });
    new ObjectstorageBucket(stack, "bucket", { compartment_id: "c", name: "b", namespace: "n", public: true } as never);
    expect(() => Testing.synth(stack, true)).toThrow(/oci_objectstorage_bucket\.public: not an argument/);
  });

  test("reading an attribute the resource does not have throws", () => {
    const stack = new TerraformStack(Testing.app(), "bad");
    const bucket = new ObjectstorageBucket(stack, "bucket", { compartment_id: "c", name: "b", namespace: "n" });
    expect(() => bucket.attribute("url")).toThrow('oci_objectstorage_bucket has no attribute "url"');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
