import { Testing, TerraformStack } from "cdktf";
import { OciStack, STATE_BUCKET_PERMISSIONS } from "../../infra/oci/oci-stack";
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
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FUNCTIONS } from "../../infra/shared/functions";
import { StackRefusedError } from "../../infra/shared/refused-stack";
import { servesClients } from "../../infra/shared/routes";
import { REPO_ROOT } from "../../infra/shared/stack-options";
import {
  KEY_MATERIAL_SAMPLE,
  exampleConfigWithKeys,
  infraConfig,
  ociOptions,
  resourceNamed,
  resources,
  synth,
  terraformName,
  writeDeployConfig,
  warningsOf,
  type Synthesized,
} from "./helpers";

Testing.setupJest();

const COMPARTMENT = "ocid1.compartment.oc1..aaaacompartment";
const TENANCY = "ocid1.tenancy.oc1..aaaatenancy";

/** Every resource in the stack whose type belongs to the OCI provider. */
function ociResources(out: Synthesized): Array<[string, string, Record<string, unknown>]> {
  return Object.entries(out.json.resource)
    .filter(([type]) => type.startsWith("oci_"))
    .flatMap(([type, byName]) => Object.entries(byName).map(([name, config]) => [type, name, config] as [string, string, Record<string, unknown>]));
}

/** Terraform addresses a resource's depends_on lists. */
function dependsOn(resource: Record<string, unknown>): string[] {
  return (resource.depends_on as string[] | undefined) ?? [];
}

describe("OCI stack from the example config", () => {
  let stack: OciStack;
  let out: Synthesized;
  beforeAll(async () => {
    const file = exampleConfigWithKeys();
    stack = new OciStack(Testing.app(), "oci", ociOptions({ configFile: file }), await infraConfig(file));
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
      if (servesClients(FUNCTIONS.find((f) => f.name === fn.display_name)!.name)) expect(config.OCIAI_API_KEY_SECRET_OCID).toMatch(/^\$\{oci_vault_secret\.[\w-]+\.id\}$/);
      else expect(config.OCIAI_API_KEY_SECRET_OCID).toBeUndefined();
    }
  });

  test("API Gateway: public gateway, root deployment, a total rate limit, no CORS policy (the app answers CORS)", () => {
    expect(out.text).toHaveResourceWithProperties(ApigatewayGateway, { endpoint_type: "PUBLIC", compartment_id: COMPARTMENT });
    expect(out.text).toHaveResourceWithProperties(ApigatewayDeployment, { path_prefix: "/" });
    const [deployment] = resources(out, "oci_apigateway_deployment");
    const specification = deployment.specification as { routes: Array<{ methods: string[] }>; request_policies: Record<string, unknown> };
    expect(specification.request_policies).toEqual({ rate_limiting: { rate_in_requests_per_second: 20, rate_key: "TOTAL" } });
    // Preflights reach the app on every path.
    for (const route of specification.routes.filter((r, i, all) => all.findIndex((o) => (o as any).path === (r as any).path) === i)) expect(route.methods).toContain("OPTIONS");
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
    const group = resourceNamed(out, "oci_identity_dynamic_group", "dynamic-group-all");
    expect(group.compartment_id).toBe(TENANCY);
    for (const spec of FUNCTIONS) {
      expect(group.matching_rule).toContain(`resource.id = '\${${terraformName(out, "oci_functions_function", `function-${spec.name}`)}.id}'`);
    }
  });

  test("policies: the services policy names nothing created later, and the application, functions and gateway deployment wait for it", () => {
    const services = resourceNamed(out, "oci_identity_policy", "services-policy");
    expect(services.statements).toEqual([
      `Allow any-user to use functions-family in compartment id ${COMPARTMENT} where ALL {request.principal.type = 'ApiGateway', request.resource.compartment.id = '${COMPARTMENT}'}`,
      `Allow service faas to use virtual-network-family in compartment id ${COMPARTMENT}`,
      `Allow service faas to read repos in compartment id ${COMPARTMENT}`,
    ]);
    expect(JSON.stringify(services)).not.toMatch(/\$\{oci_/); // references nothing the stack creates
    const policy = terraformName(out, "oci_identity_policy", "services-policy");
    expect(dependsOn(resources(out, "oci_functions_application")[0])).toContain(policy);
    for (const fn of resources(out, "oci_functions_function")) expect(dependsOn(fn)).toContain(policy);
    expect(dependsOn(resources(out, "oci_apigateway_deployment")[0])).toContain(policy);
  });

  test("policies: functions get the state bucket's object calls and the secrets they need; the API key only for client-facing functions", () => {
    const statements = resourceNamed(out, "oci_identity_policy", "functions-policy").statements as string[];
    const every = "dynamic-group ${oci_identity_dynamic_group.dynamic-group-all.name}";
    const clients = "dynamic-group ${oci_identity_dynamic_group.dynamic-group-clients.name}";
    expect(statements).toContain(
      `Allow ${every} to {OBJECT_READ, OBJECT_CREATE, OBJECT_OVERWRITE, OBJECT_DELETE} in compartment id ${COMPARTMENT} where target.bucket.name = '\${oci_objectstorage_bucket.state.name}'`,
    );
    const keySecrets = statements.find((st) => st.startsWith(`Allow ${every} to read secret-bundles`))!;
    expect(keySecrets).toMatch(/where any \{target\.secret\.id = '\$\{oci_vault_secret\.secrets_key-/);
    expect(keySecrets).not.toContain("api-key");
    expect(statements.find((st) => st.startsWith(`Allow ${clients}`))).toMatch(/target\.secret\.id = '\$\{oci_vault_secret\.secrets_api-key_\w+\.id\}'$/);
    // No account in the example uses the functions' own identity: no Generative AI grant.
    expect(statements.join("\n")).not.toContain("generative-ai-family");
    // Least privilege: no blanket verbs over families or all-resources.
    for (const statement of statements) expect(statement).not.toMatch(/\bmanage\b|all-resources/);
    const [groupAll, groupClients] = ["dynamic-group-all", "dynamic-group-clients"].map((id) => resourceNamed(out, "oci_identity_dynamic_group", id).matching_rule as string);
    for (const spec of FUNCTIONS) {
      const ref = `resource.id = '\${${terraformName(out, "oci_functions_function", `function-${spec.name}`)}.id}'`;
      expect(groupAll).toContain(ref);
      expect(groupClients.includes(ref)).toBe(servesClients(spec.name));
    }
  });

  test("the state bucket permissions are exactly the object calls the state store makes", () => {
    const source = readFileSync(join(REPO_ROOT, "shared/state/object-storage-state-store.ts"), "utf8");
    const calls = [...new Set([...source.matchAll(/this\.client\.(\w+)\(/g)].map((m) => m[1]))].sort();
    expect(calls).toEqual(["deleteObject", "getObject", "putObject"]);
    // Oracle's Object Storage policy reference: GetObject → OBJECT_READ; PutObject → OBJECT_CREATE,
    // or OBJECT_OVERWRITE when the object exists; DeleteObject → OBJECT_DELETE.
    expect(STATE_BUCKET_PERMISSIONS).toEqual(["OBJECT_READ", "OBJECT_CREATE", "OBJECT_OVERWRITE", "OBJECT_DELETE"]);
  });

  test("policies: the schedule may invoke functions (Oracle documents `manage`), only that schedule, after it exists", () => {
    const policy = resourceNamed(out, "oci_identity_policy", "schedule-policy");
    expect(policy.statements).toEqual([
      `Allow any-user to manage functions-family in compartment id ${COMPARTMENT} where ALL {request.principal.type = 'resourceschedule', request.principal.id = '\${oci_resource_scheduler_schedule.health-check-schedule.id}'}`,
    ]);
    for (const p of resources(out, "oci_identity_policy")) expect(p.compartment_id).toBe(TENANCY);
    expect(out.text).toHaveResourceWithProperties(IdentityPolicy, { name: "ociai-proxy-services" });
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
    expect(primary.secret_content).toEqual({ content_type: "BASE64", content: expect.stringMatching(/^\$\{filebase64\(".*\/1\.pem"\)\}$/) });
    expect(out.text).not.toContain(KEY_MATERIAL_SAMPLE);
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
    expect(outputs.image_platform.value).toBe("linux/amd64");
  });
});

describe("OCI stack from a deploy-shaped config", () => {
  let out: Synthesized;
  beforeAll(async () => {
    const { file } = writeDeployConfig();
    const options = ociOptions({ configFile: file, tenancyOcid: undefined, compartmentOcid: undefined, namespace: undefined, homeRegion: "us-ashburn-1" });
    out = synth(new OciStack(Testing.app(), "oci", options, await infraConfig(file)));
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
    expect(statements).toContain("Allow dynamic-group ${oci_identity_dynamic_group.dynamic-group-all.name} to use generative-ai-family in tenancy");
    expect(resources(out, "oci_vault_secret").map((s) => s.secret_name).sort()).toEqual(["ociai-proxy-api-key", "ociai-proxy-oci-private-key-partner_frankfurt"]);
    expect(out.text).not.toContain(KEY_MATERIAL_SAMPLE);
  });

  test("generated API key; a 10 minute interval is clamped to hourly", () => {
    const apiKey = resourceNamed(out, "oci_vault_secret", "api-key");
    expect((apiKey.secret_content as { content: string }).content).toMatch(/^\$\{base64encode\("sk-oci-\$\{random_password\.[\w-]+\.result\}"\)\}$/);
    expect(resources(out, "oci_resource_scheduler_schedule")[0].recurrence_details).toBe("0 * * * *");
  });
});

describe("OCI stack options", () => {
  let file: string;
  beforeAll(() => {
    file = exampleConfigWithKeys();
  });

  test("an instance_principal account is refused (no metadata service inside OCI Functions)", async () => {
    const { file: deployFile } = writeDeployConfig({ extra: ["[ACCOUNT_4]", "id = vm", "auth = instance_principal", "compartment_id = ocid1.compartment.oc1..vm", "region = us-ashburn-1"] });
    const config = await infraConfig(deployFile);
    const build = () => new OciStack(Testing.app(), "oci", ociOptions({ configFile: deployFile }), config);
    expect(build).toThrow(StackRefusedError);
    expect(build).toThrow(/\[ACCOUNT_4\] auth: instance_principal needs a compute instance's metadata service/);
  });

  test("bootstrap synthesizes only the container repositories (images must exist before functions)", async () => {
    const out = synth(new OciStack(Testing.app(), "oci", ociOptions({ configFile: file, bootstrap: true }), await infraConfig(file)));
    expect(Object.keys(out.json.resource)).toEqual(["oci_artifacts_container_repository"]);
    expect(out.json.output!.images.value).toMatchObject({ chat: "phx.ocir.io/axaxnamespace/ociai-proxy/chat:1.2.3" });
  });

  test("existing subnet, vault and secrets are used instead of created", async () => {
    const out = synth(
      new OciStack(
        Testing.app(),
        "oci",
        ociOptions({
          configFile: file,
          subnetOcid: "ocid1.subnet.oc1..mine",
          vaultOcid: "ocid1.vault.oc1..mine",
          vaultKeyOcid: "ocid1.key.oc1..mine",
          accountKeySecretOcids: { primary_us_phoenix: "ocid1.vaultsecret.oc1..primary" },
          apiKeySecretOcid: "ocid1.vaultsecret.oc1..apikey",
          registry: "iad.ocir.io",
        }),
        await infraConfig(file, ["primary_us_phoenix"]),
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
