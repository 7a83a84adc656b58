import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Password } from "@cdktf/provider-random/lib/password";
import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { Testing } from "cdktf";
import { AwsStack } from "../../infra/aws/aws-stack";
import { FUNCTIONS, ROUTES } from "../../infra/shared/functions";
import {
  FAKE_KEY_MARKER,
  asList,
  awsOptions,
  parsePolicy,
  resourceNamed,
  resources,
  synth,
  terraformName,
  writeDeployConfig,
  type Synthesized,
} from "./helpers";

Testing.setupJest();

const EXAMPLE_API_KEY = "multi_account_proxy_key";
const ARN_REF = /^\$\{aws_secretsmanager_secret\.[\w-]+\.arn\}$/;

describe("AWS stack from the example config", () => {
  let out: Synthesized;
  beforeAll(() => {
    out = synth(new AwsStack(Testing.app(), "aws", awsOptions()));
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

  test("the other routes are buffered Lambda proxy integrations of the models function", () => {
    const modelsInvoke = `\${${terraformName(out, "aws_lambda_function", "fn-models_")}.invoke_arn}`;
    const integrations = Object.entries(out.json.resource.aws_api_gateway_integration);
    // The chat function's routes (chat completions, responses, messages) stream; the rest are buffered.
    const streamed = ROUTES.filter((route) => route.target === "chat").map((route) => route.path.replace(/\*$/, "proxy").replace(/[^A-Za-z0-9]+/g, "-"));
    const buffered = integrations.filter(([name]) => !streamed.some((slug) => new RegExp(`${slug}-(get|post|delete|options)_`).test(name)));
    expect(buffered.length).toBeGreaterThan(0);
    for (const [, integration] of buffered) {
      expect(integration.response_transfer_mode).toBeUndefined();
      expect(integration.uri).toBe(modelsInvoke);
      expect(integration.type).toBe("AWS_PROXY");
    }
    // Every route path and method has a method + integration (plus OPTIONS for preflights).
    const methods = resources(out, "aws_api_gateway_method").map((m) => m.http_method);
    const expected = ROUTES.flatMap((route) => [...route.methods, "OPTIONS"]);
    expect(methods.sort()).toEqual(expected.sort());
    expect(resources(out, "aws_api_gateway_resource").map((r) => r.path_part)).toEqual(
      expect.arrayContaining(["v1", "chat", "completions", "models", "health", "stats", "admin", "test-oci", "{proxy+}"]),
    );
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
      expect(String(permission.source_arn)).toMatch(new RegExp(`^\\$\\{${api.replace(/\./g, "\\.")}\\.execution_arn\\}/\\*/(GET|POST|DELETE|OPTIONS)/`));
    }
    expect(permissions.map((p) => p.source_arn)).toContainEqual(expect.stringMatching(/\/\*\/POST\/v1\/chat\/completions$/));
    expect(permissions.map((p) => p.source_arn)).toContainEqual(expect.stringMatching(/\/\*\/GET\/stats\/\*$/));
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
    expect(versions.map((v) => v.secret_string)).toEqual(expect.arrayContaining([expect.stringMatching(/^\$\{file\(".*\/config\/1\.pem"\)\}$/)]));

    for (const lambda of resources(out, "aws_lambda_function")) {
      const env = (lambda.environment as { variables: Record<string, string> }).variables;
      const keys = JSON.parse(env.OCIAI_ACCOUNT_KEY_SECRETS) as Record<string, string>;
      expect(Object.keys(keys).sort()).toEqual(["backup_eu_frankfurt", "primary_us_phoenix", "secondary_us_chicago"]);
      for (const arn of Object.values(keys)) expect(arn).toMatch(ARN_REF);
      for (const value of Object.values(env)) {
        expect(value).not.toContain(EXAMPLE_API_KEY);
        expect(value).not.toMatch(/PRIVATE KEY|BEGIN/);
      }
      const servesClients = FUNCTIONS.find((f) => `ociai-proxy-${f.name}` === lambda.function_name)!.servesClients;
      if (servesClients) expect(env.OCIAI_API_KEY_SECRET_ARN).toMatch(ARN_REF);
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
    // health-check never sees clients: it cannot read the API key.
    const healthCheck = parsePolicy(resourceNamed(out, "aws_iam_role_policy", "fn-health-check_").policy);
    expect(healthCheck.Statement[2].Resource).not.toContain(`\${${terraformName(out, "aws_secretsmanager_secret", "api-key")}.arn}`);
  });

  test("outputs: API base URL (…/v1), API key secret ARN, table name", () => {
    const outputs = out.json.output!;
    expect(outputs.api_base_url.value).toMatch(/^\$\{aws_api_gateway_stage\.[\w-]+\.invoke_url\}\/v1$/);
    expect(outputs.api_key_secret_arn.value).toMatch(ARN_REF);
    expect(outputs.state_table_name.value).toBe("${aws_dynamodb_table.state.name}");
  });

  test("requires an AWS provider whose validation accepts 900000 ms streaming timeouts", () => {
    expect(out.json.terraform.required_providers.aws).toEqual({ source: "hashicorp/aws", version: ">= 6.26.0, < 7.0.0" });
    expect(out.json.terraform.required_providers.archive.source).toBe("hashicorp/archive");
    expect(out.json.terraform.required_providers.random.source).toBe("hashicorp/random");
  });
});

describe("AWS stack from a deploy-shaped config", () => {
  let out: Synthesized;
  beforeAll(() => {
    const { file } = writeDeployConfig();
    out = synth(new AwsStack(Testing.app(), "aws", awsOptions({ configFile: file })));
  });

  test("a placeholder api_key is generated by the random provider into the secret", () => {
    expect(out.text).toHaveResourceWithProperties(Password, { length: 40, special: false });
    const apiKeyVersion = resourceNamed(out, "aws_secretsmanager_secret_version", "api-key-value");
    expect(apiKeyVersion.secret_string).toMatch(/^sk-oci-\$\{random_password\.[\w-]+\.result\}$/);
  });

  test("only api_key accounts with a key file get a secret; no PEM text anywhere in the stack", () => {
    expect(resources(out, "aws_secretsmanager_secret").map((s) => s.name).sort()).toEqual([
      "ociai-proxy/api-key",
      "ociai-proxy/oci-private-key/partner_frankfurt",
    ]);
    expect(out.text).not.toContain(FAKE_KEY_MARKER);
    expect(out.text).not.toContain("INLINE");
  });

  test("health_check_interval = 10m → rate(10 minutes)", () => {
    expect(resources(out, "aws_scheduler_schedule")[0].schedule_expression).toBe("rate(10 minutes)");
  });
});

describe("AWS stack with secrets created out of band", () => {
  const keyArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mine/primary-AbCdEf";
  const apiKeyArn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:mine/api-key-AbCdEf";
  let out: Synthesized;
  beforeAll(() => {
    out = synth(
      new AwsStack(Testing.app(), "aws", awsOptions({ accountKeySecretArns: { primary_us_phoenix: keyArn }, apiKeySecretArn: apiKeyArn })),
    );
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
