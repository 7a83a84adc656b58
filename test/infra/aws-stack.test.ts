import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Password } from "@cdktf/provider-random/lib/password";
import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { Testing } from "cdktf";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AwsStack, STATE_TABLE_ACTIONS } from "../../infra/aws/aws-stack";
import { FUNCTIONS } from "../../infra/shared/functions";
import { StackRefusedError } from "../../infra/shared/refused-stack";
import { servesClients } from "../../infra/shared/routes";
import { REPO_ROOT } from "../../infra/shared/stack-options";
import { TEST_KEY_FINGERPRINT,
  KEY_MATERIAL_SAMPLE,
  asList,
  awsOptions,
  exampleConfigWithKeys,
  infraConfig,
  parsePolicy,
  resourceNamed,
  resources,
  synth,
  terraformName,
  writeDeployConfig,
  warningsOf,
  type Synthesized,
} from "./helpers";

Testing.setupJest();

const EXAMPLE_API_KEY = "multi_account_proxy_key";
const ARN_REF = /^\$\{aws_secretsmanager_secret\.[\w-]+\.arn\}$/;

describe("AWS stack from the example config", () => {
  let out: Synthesized;
  beforeAll(async () => {
    const file = exampleConfigWithKeys();
    out = synth(new AwsStack(Testing.app(), "aws", awsOptions({ configFile: file }), await infraConfig(file)));
  });

  test("one arm64 Lambda per function on a current Node runtime, sized for LLM calls", () => {
    const lambdas = resources(out, "aws_lambda_function");
    expect(lambdas.map((l) => l.function_name).sort()).toEqual(FUNCTIONS.map((f) => `ociai-proxy-${f.name}`).sort());
    for (const lambda of lambdas) {
      expect(["nodejs22.x", "nodejs20.x"]).toContain(lambda.runtime);
      expect(lambda.architectures).toEqual(["arm64"]);
      expect(lambda.handler).toBe("index.handler");
      expect(lambda.timeout as number).toBeGreaterThanOrEqual(60);
    }
    expect(out.text).toHaveResourceWithProperties(LambdaFunction, { function_name: "ociai-proxy-chat", timeout: 900, memory_size: 1024 });
  });

  test("code comes from dist/aws/<fn> zipped by the archive provider at plan time", () => {
    for (const spec of FUNCTIONS) {
      const archive = Object.entries(out.json.data!.archive_file).find(([name]) => name.includes(`fn-${spec.name}_`))![1];
      expect(archive.type).toBe("zip");
      expect(String(archive.source_dir)).toMatch(new RegExp(`/dist/aws/${spec.name}$`));
      const lambda = resourceNamed(out, "aws_lambda_function", `fn-${spec.name}_`);
      expect(lambda.filename).toMatch(/^\$\{data\.archive_file\.[\w-]+\.output_path\}$/);
      expect(lambda.source_code_hash).toMatch(/^\$\{data\.archive_file\.[\w-]+\.output_base64sha256\}$/);
      expect((lambda.environment as any).variables.OCIAI_CONFIG_FILE).toBe("/var/task/config.conf");
    }
    expect(out.text).toHaveDataSourceWithProperties(DataArchiveFile, { type: "zip" });
  });

  test("each function logs to its own log group with retention", () => {
    const groups = resources(out, "aws_cloudwatch_log_group");
    expect(groups.map((g) => g.name).sort()).toEqual(FUNCTIONS.map((f) => `/aws/lambda/ociai-proxy-${f.name}`).sort());
    for (const group of groups) expect(group.retention_in_days).toBe(14);
  });

  test("chat streams: STREAM transfer mode, response-streaming URI, 900 s timeout", () => {
    const chatArn = `\${${terraformName(out, "aws_lambda_function", "fn-chat_")}.arn}`;
    const post = resourceNamed(out, "aws_api_gateway_integration", "v1-chat-completions-post");
    expect(post).toMatchObject({
      type: "AWS_PROXY",
      integration_http_method: "POST",
      response_transfer_mode: "STREAM",
      timeout_milliseconds: 900000,
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2021-11-15/functions/${chatArn}/response-streaming-invocations`,
    });
    expect(out.text).toHaveResourceWithProperties(ApiGatewayIntegration, { response_transfer_mode: "STREAM", timeout_milliseconds: 900000 });
  });

  test("REST API is regional; deployment has a redeploy trigger; the stage serves it", () => {
    expect(out.text).toHaveResourceWithProperties(ApiGatewayRestApi, { endpoint_configuration: { types: ["REGIONAL"] } });
    const [deployment] = resources(out, "aws_api_gateway_deployment");
    const trigger = String((deployment.triggers as Record<string, string>).redeployment);
    expect(trigger).toMatch(/^\$\{sha1\(jsonencode\(\[/);
    for (const name of Object.keys(out.json.resource.aws_api_gateway_integration)) {
      expect(trigger).toContain(`aws_api_gateway_integration.${name}.id`);
    }
    expect(deployment.lifecycle).toEqual({ create_before_destroy: true });
    const [stage] = resources(out, "aws_api_gateway_stage");
    expect(stage.deployment_id).toMatch(/^\$\{aws_api_gateway_deployment\.[\w-]+\.id\}$/);
    expect(stage.stage_name).toBe("prod");
  });

  test("Lambda permissions are scoped to this API, one method and path each", () => {
    const api = terraformName(out, "aws_api_gateway_rest_api", "rest-api");
    const permissions = resources(out, "aws_lambda_permission");
    expect(permissions).toHaveLength(resources(out, "aws_api_gateway_method").length);
    for (const permission of permissions) {
      expect(permission.principal).toBe("apigateway.amazonaws.com");
      expect(permission.action).toBe("lambda:InvokeFunction");
      expect(String(permission.source_arn)).toMatch(new RegExp(`^\\$\\{${api.replace(/\./g, "\\.")}\\.execution_arn\\}/\\*/(GET|HEAD|POST|PATCH|DELETE|OPTIONS)/`));
    }
    expect(permissions.map((p) => p.source_arn)).toContainEqual(expect.stringMatching(/\/\*\/POST\/v1\/chat\/completions$/));
    expect(permissions.map((p) => p.source_arn)).toContainEqual(expect.stringMatching(/\/\*\/GET\/v1\/models\/\*$/));
  });

  test("DynamoDB state table: on demand, partition key pk (S), TTL on expiresAt", () => {
    expect(out.text).toHaveResourceWithProperties(DynamodbTable, {
      billing_mode: "PAY_PER_REQUEST",
      hash_key: "pk",
      attribute: [{ name: "pk", type: "S" }],
      ttl: { attribute_name: "expiresAt", enabled: true },
    });
    const [table] = resources(out, "aws_dynamodb_table");
    expect(table.range_key).toBeUndefined();
  });

  test("EventBridge Scheduler invokes health-check every minute (30s rounded up) with its own role", () => {
    const healthCheck = terraformName(out, "aws_lambda_function", "fn-health-check_");
    expect(out.text).toHaveResourceWithProperties(SchedulerSchedule, {
      schedule_expression: "rate(1 minute)",
      flexible_time_window: { mode: "OFF" },
      target: expect.objectContaining({ arn: `\${${healthCheck}.arn}`, role_arn: expect.stringMatching(/^\$\{aws_iam_role\.scheduler-role\.arn\}$/) }),
    });
    const role = resourceNamed(out, "aws_iam_role", "scheduler-role");
    const trust = parsePolicy(role.assume_role_policy).Statement[0];
    expect(trust.Principal).toEqual({ Service: "scheduler.amazonaws.com" });
    expect(trust.Condition).toEqual({ StringEquals: { "aws:SourceAccount": "${data.aws_caller_identity.caller.account_id}" } });
    const policy = parsePolicy(resourceNamed(out, "aws_iam_role_policy", "scheduler-policy").policy);
    expect(policy.Statement).toEqual([{ Sid: "InvokeHealthCheck", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [`\${${healthCheck}.arn}`] }]);
  });

  test("secrets: one per account key plus the API key; functions get ARNs only", () => {
    const secrets = resources(out, "aws_secretsmanager_secret").map((s) => s.name);
    expect(secrets.sort()).toEqual(
      [
        "ociai-proxy/api-key",
        "ociai-proxy/oci-private-key/backup_eu_frankfurt",
        "ociai-proxy/oci-private-key/primary_us_phoenix",
        "ociai-proxy/oci-private-key/secondary_us_chicago",
      ].sort(),
    );
    // Account keys are read from key_file by Terraform, never copied into the stack.
    const versions = resources(out, "aws_secretsmanager_secret_version");
    expect(versions.map((v) => v.secret_string)).toEqual(expect.arrayContaining([expect.stringMatching(/^\$\{file\(".*\/1\.pem"\)\}$/)]));
    expect(out.text).not.toContain(KEY_MATERIAL_SAMPLE);

    for (const lambda of resources(out, "aws_lambda_function")) {
      const env = (lambda.environment as { variables: Record<string, string> }).variables;
      const keys = JSON.parse(env.OCIAI_ACCOUNT_KEY_SECRETS) as Record<string, string>;
      expect(Object.keys(keys).sort()).toEqual(["backup_eu_frankfurt", "primary_us_phoenix", "secondary_us_chicago"]);
      for (const arn of Object.values(keys)) expect(arn).toMatch(ARN_REF);
      for (const value of Object.values(env)) {
        expect(value).not.toContain(EXAMPLE_API_KEY);
        expect(value).not.toMatch(/PRIVATE KEY|BEGIN/);
      }
      const clientFacing = servesClients(FUNCTIONS.find((f) => `ociai-proxy-${f.name}` === lambda.function_name)!.name);
      if (clientFacing) expect(env.OCIAI_API_KEY_SECRET_ARN).toMatch(ARN_REF);
      else expect(env.OCIAI_API_KEY_SECRET_ARN).toBeUndefined();
      expect(env).toMatchObject({ OCIAI_STATE_STORE: "dynamodb", OCIAI_DYNAMODB_TABLE: "${aws_dynamodb_table.state.name}" });
    }
  });

  test("IAM: no wildcard resources; each function role only its logs, the table and its secrets", () => {
    const documents = [
      ...resources(out, "aws_iam_role_policy").map((p) => parsePolicy(p.policy)),
      ...resources(out, "aws_iam_role").map((r) => parsePolicy(r.assume_role_policy)),
    ];
    for (const statement of documents.flatMap((d) => d.Statement)) {
      const actions = asList(statement.Action);
      const targets = asList(statement.Resource);
      expect(actions).not.toContain("*");
      expect(targets).not.toContain("*");
      for (const action of actions) expect(action).not.toMatch(/:\*$/);
    }
    const chat = parsePolicy(resourceNamed(out, "aws_iam_role_policy", "fn-chat_").policy);
    expect(chat.Statement.map((s) => (s as { Sid?: string }).Sid)).toEqual(["WriteOwnLogs", "StateTable", "ReadSecrets"]);
    expect(chat.Statement[0].Resource).toEqual([`\${${terraformName(out, "aws_cloudwatch_log_group", "fn-chat_")}.arn}:*`]);
    expect(chat.Statement[1].Resource).toEqual(["${aws_dynamodb_table.state.arn}"]);
    // Only the client-facing functions may read the API key; every function reads the account keys.
    const apiKeyArn = `\${${terraformName(out, "aws_secretsmanager_secret", "api-key")}.arn}`;
    for (const spec of FUNCTIONS) {
      const readable = asList(parsePolicy(resourceNamed(out, "aws_iam_role_policy", `fn-${spec.name}_`).policy).Statement.find((st) => (st as { Sid?: string }).Sid === "ReadSecrets")!.Resource);
      expect(readable.includes(apiKeyArn)).toBe(servesClients(spec.name));
      expect(readable).toHaveLength(servesClients(spec.name) ? 4 : 3);
    }
    expect(servesClients("health-check")).toBe(false);
    expect(servesClients("test-oci")).toBe(false);
  });

  test("IAM: the state table grants exactly the DynamoDB calls the state store makes", () => {
    const source = readFileSync(join(REPO_ROOT, "shared/state/dynamodb-state-store.ts"), "utf8");
    const calls = [...new Set([...source.matchAll(/new (\w+)Command\(/g)].map((m) => `dynamodb:${m[1]}`))].sort();
    expect(calls.length).toBeGreaterThan(0);
    expect([...STATE_TABLE_ACTIONS].sort()).toEqual(calls);
    for (const spec of FUNCTIONS) {
      const table = parsePolicy(resourceNamed(out, "aws_iam_role_policy", `fn-${spec.name}_`).policy).Statement.find((st) => (st as { Sid?: string }).Sid === "StateTable")!;
      expect([...asList(table.Action)].sort()).toEqual(calls);
    }
  });

  test("the stage throttles every method (rate and burst), so floods get 429 from API Gateway", () => {
    const [settings] = resources(out, "aws_api_gateway_method_settings");
    expect(settings).toMatchObject({ method_path: "*/*", settings: { throttling_rate_limit: 20, throttling_burst_limit: 40, metrics_enabled: true } });
    expect(settings.stage_name).toMatch(/^\$\{aws_api_gateway_stage\.[\w-]+\.stage_name\}$/);
  });

  test("outputs: API base URL (…/v1), API key secret ARN, table name", () => {
    const outputs = out.json.output!;
    expect(outputs.api_base_url.value).toMatch(/^\$\{aws_api_gateway_stage\.[\w-]+\.invoke_url\}\/v1$/);
    expect(outputs.api_key_secret_arn.value).toMatch(ARN_REF);
    expect(outputs.state_table_name.value).toBe("${aws_dynamodb_table.state.name}");
  });

  test("a CloudWatch dashboard over the functions' EMF metrics, named in the outputs", () => {
    const [dashboard] = resources(out, "aws_cloudwatch_dashboard");
    const body = JSON.parse(dashboard.dashboard_body as string);
    expect(body.widgets.length).toBeGreaterThan(4);
    // The chat function's own throttles, by its real name.
    expect(JSON.stringify(body)).toContain('"FunctionName","${aws_lambda_function.fn-chat_function_');
    expect(out.json.output!.cloudwatch_dashboard.value).toMatch(/^\$\{aws_cloudwatch_dashboard\.[\w-]+\.dashboard_name\}$/);
  });

  test("requires an AWS provider whose validation accepts 900000 ms streaming timeouts", () => {
    expect(out.json.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: ">= 6.26.0, < 7.0.0" });
    expect(out.json.terraform.required_providers.archive.source).toBe("hashicorp/archive");
    expect(out.json.terraform.required_providers.random.source).toBe("hashicorp/random");
  });
});

describe("AWS stack from a deploy-shaped config", () => {
  let out: Synthesized;
  let warnings: string[];
  beforeAll(async () => {
    const { file } = writeDeployConfig({ principal: false });
    const stack = new AwsStack(Testing.app(), "aws", awsOptions({ configFile: file, throttle: { rateLimit: 5, burstLimit: 7 } }), await infraConfig(file));
    out = synth(stack);
    warnings = warningsOf(stack);
  });

  test("a placeholder api_key is generated by the random provider into the secret", () => {
    expect(out.text).toHaveResourceWithProperties(Password, { length: 40, special: false });
    const apiKeyVersion = resourceNamed(out, "aws_secretsmanager_secret_version", "api-key-value");
    expect(apiKeyVersion.secret_string).toMatch(/^sk-oci-\$\{random_password\.[\w-]+\.result\}$/);
  });

  test("only api_key accounts with a key file get a secret; no PEM text anywhere in the stack", () => {
    expect(resources(out, "aws_secretsmanager_secret").map((s) => s.name).sort()).toEqual([
      "ociai-proxy/api-key",
      "ociai-proxy/oci-private-key/home_chicago",
      "ociai-proxy/oci-private-key/partner_frankfurt",
    ]);
    expect(out.text).not.toContain(KEY_MATERIAL_SAMPLE);
  });

  test("an inline key_content is named in a warning (it travels in every bundle)", () => {
    expect(warnings).toContainEqual(expect.stringMatching(/multi_config\.conf \[ACCOUNT_3\] key_content: the PEM is copied into every function package/));
    expect(warnings.join("\n")).not.toContain("api_key");
  });

  test("throttling follows the settings", () => {
    expect(resources(out, "aws_api_gateway_method_settings")[0].settings).toMatchObject({ throttling_rate_limit: 5, throttling_burst_limit: 7 });
  });

  test("health_check_interval = 10m → rate(10 minutes)", () => {
    expect(resources(out, "aws_scheduler_schedule")[0].schedule_expression).toBe("rate(10 minutes)");
  });
});

describe("AWS stack with secrets created out of band", () => {
  const keyArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mine/primary-AbCdEf";
  const apiKeyArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mine/api-key-AbCdEf";
  let out: Synthesized;
  beforeAll(async () => {
    const file = exampleConfigWithKeys();
    const options = awsOptions({ configFile: file, accountKeySecretArns: { primary_us_phoenix: keyArn }, apiKeySecretArn: apiKeyArn });
    out = synth(new AwsStack(Testing.app(), "aws", options, await infraConfig(file, ["primary_us_phoenix"])));
  });

  test("given ARNs are used as is and no secret is created for them", () => {
    const names = resources(out, "aws_secretsmanager_secret").map((s) => s.name);
    expect(names).not.toContain("ociai-proxy/api-key");
    expect(names).not.toContain("ociai-proxy/oci-private-key/primary_us_phoenix");
    expect(resources(out, "random_password")).toHaveLength(0);
    const chat = resourceNamed(out, "aws_lambda_function", "fn-chat_");
    const env = (chat.environment as { variables: Record<string, string> }).variables;
    expect(env.OCIAI_API_KEY_SECRET_ARN).toBe(apiKeyArn);
    expect(JSON.parse(env.OCIAI_ACCOUNT_KEY_SECRETS).primary_us_phoenix).toBe(keyArn);
    const policy = parsePolicy(resourceNamed(out, "aws_iam_role_policy", "fn-chat_").policy);
    expect(policy.Statement[2].Resource).toEqual(expect.arrayContaining([keyArn, apiKeyArn]));
  });
});

describe("AWS stack refuses configs its functions cannot run", () => {
  test("a resource_principal account: refused, naming file, section, key and why", async () => {
    const { file } = writeDeployConfig();
    const config = await infraConfig(file);
    const build = () => new AwsStack(Testing.app(), "aws", awsOptions({ configFile: file }), config);
    expect(build).toThrow(StackRefusedError);
    expect(build).toThrow(/multi_config\.conf \[ACCOUNT_1\] auth: resource_principal is an OCI identity .* does not exist on AWS Lambda/);
  });

  test("a region outside the proxy's table (the AWS bundles leave the OCI SDK out)", async () => {
    const { file } = writeDeployConfig({ principal: false, extra: ["[ACCOUNT_4]", "id = jp", "user = ocid1.user.oc1..u", `fingerprint = ${TEST_KEY_FINGERPRINT}`, "key_file = ./partner.pem", "tenancy = ocid1.tenancy.oc1..t", "region = ap-chuncheon-1"] });
    const config = await infraConfig(file);
    expect(() => new AwsStack(Testing.app(), "aws", awsOptions({ configFile: file }), config)).toThrow(
      /\[ACCOUNT_4\] region: "ap-chuncheon-1" is not in the proxy's region table.*set endpoint =/,
    );
  });
});
