import { ArchiveProvider } from "@cdktf/provider-archive/lib/provider";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SchedulerSchedule } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { Annotations, LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { FUNCTIONS, functionName, type FunctionName } from "../shared/functions";
import type { InfraConfig } from "../shared/load-infra-config";
import { ROUTES, servesClients } from "../shared/routes";
import { awsRateExpression } from "../shared/schedule-expression";
import { secretWarnings, stackRefusal } from "../shared/stack-checks";
import { localStatePath, type AwsStackOptions } from "../shared/stack-options";
import { assumeRolePolicy, policyDocument, type PolicyStatement } from "./iam-policy";
import { ProxyLambda } from "./proxy-lambda";
import { ProxyRestApi } from "./proxy-rest-api";
import { ProxySecrets } from "./proxy-secrets";

/**
 * @cdktf/provider-aws 21 was generated from AWS provider 6.25.0, whose validation caps
 * `timeout_milliseconds` at 300000 even for STREAM integrations; 6.26.0 allows 900000.
 */
export const AWS_PROVIDER_VERSION = ">= 6.26.0, < 7.0.0";
/** Single-table state store: partition key and TTL attribute the runtime uses. */
export const STATE_TABLE_PARTITION_KEY = "pk";
export const STATE_TABLE_TTL_ATTRIBUTE = "expiresAt";

/**
 * The DynamoDB actions the state store calls (shared/state/dynamodb-state-store.ts), and
 * nothing else: items only, no table administration, no scans.
 */
export const STATE_TABLE_ACTIONS = ["dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"];

/**
 * The proxy on AWS: API Gateway REST API (regional) → Lambda (arm64), the chat route
 * streaming; DynamoDB for shared pool state; Secrets Manager for the OCI private keys and
 * the proxy API key (functions get ARNs, never values); an EventBridge Scheduler schedule
 * running health-check; throttling at the gateway; least-privilege IAM throughout.
 *
 * @param config The checked config (loadInfraConfig). One the Lambda bundles cannot run
 *   (principal auth, a region outside the proxy's table) is refused with StackRefusedError.
 */
export class AwsStack extends TerraformStack {
  readonly config: InfraConfig;
  readonly functions = {} as Record<FunctionName, LambdaFunction>;

  constructor(scope: Construct, id: string, options: AwsStackOptions, config: InfraConfig) {
    super(scope, id);
    const refused = stackRefusal(config, "aws");
    if (refused) throw refused;
    this.config = config;
    const prefix = options.namePrefix;
    for (const warning of secretWarnings(config, { createsApiKeySecret: !options.apiKeySecretArn, apiKeySetting: "OCIAI_AWS_API_KEY_SECRET_ARN" })) {
      Annotations.of(this).addWarning(warning);
    }

    new LocalBackend(this, { path: localStatePath(id) });
    new AwsProvider(this, "aws", {
      region: options.region,
      defaultTags: [{ tags: { Project: prefix, ManagedBy: "cdktf" } }],
    });
    new ArchiveProvider(this, "archive");
    new RandomProvider(this, "random");
    this.addOverride("terraform.required_providers.aws", { source: "hashicorp/aws", version: AWS_PROVIDER_VERSION });

    const table = new DynamodbTable(this, "state", {
      name: `${prefix}-state`,
      billingMode: "PAY_PER_REQUEST",
      hashKey: STATE_TABLE_PARTITION_KEY,
      attribute: [{ name: STATE_TABLE_PARTITION_KEY, type: "S" }],
      // Leases, cooldowns and counters expire on their own (a crashed invocation cannot leak a slot).
      ttl: { attributeName: STATE_TABLE_TTL_ATTRIBUTE, enabled: true },
    });

    const secrets = new ProxySecrets(this, "secrets", {
      namePrefix: prefix,
      config: this.config,
      accountKeySecretArns: options.accountKeySecretArns,
      apiKeySecretArn: options.apiKeySecretArn,
    });

    for (const spec of FUNCTIONS) {
      const statements: PolicyStatement[] = [
        { Sid: "StateTable", Effect: "Allow", Action: STATE_TABLE_ACTIONS, Resource: [table.arn] },
      ];
      // Only functions that serve clients check the API key; every function signs OCI calls.
      const clientFacing = servesClients(spec.name);
      const readable = [...Object.values(secrets.accountKeySecretArns), ...(clientFacing ? [secrets.apiKeySecretArn] : [])];
      if (readable.length > 0) {
        statements.push({ Sid: "ReadSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: readable });
      }
      const environment: Record<string, string> = {
        OCIAI_STATE_STORE: "dynamodb",
        OCIAI_DYNAMODB_TABLE: table.name,
        // account id → secret ARN; the function fetches the PEM at start-up.
        OCIAI_ACCOUNT_KEY_SECRETS: JSON.stringify(secrets.accountKeySecretArns),
        OCIAI_LOG_FORMAT: "json",
      };
      if (clientFacing) environment.OCIAI_API_KEY_SECRET_ARN = secrets.apiKeySecretArn;
      const lambda = new ProxyLambda(this, `fn-${spec.name}`, {
        spec,
        namePrefix: prefix,
        distDir: options.distDir,
        logRetentionDays: options.logRetentionDays,
        environment,
        statements,
      });
      this.functions[spec.name] = lambda.function;
    }

    const api = new ProxyRestApi(this, "rest-api", {
      namePrefix: prefix,
      region: options.region,
      stageName: options.stageName,
      routes: ROUTES,
      functions: this.functions,
      throttle: options.throttle,
    });

    this.addHealthCheckSchedule(prefix);

    new TerraformOutput(this, "api_base_url", {
      value: api.openAiBaseUrl,
      description: "OpenAI base URL (…/v1): POST {url}/chat/completions, GET {url}/models",
    });
    new TerraformOutput(this, "api_key_secret_arn", {
      value: secrets.apiKeySecretArn,
      description: "Secrets Manager secret holding the proxy API key (aws secretsmanager get-secret-value --secret-id …)",
    });
    new TerraformOutput(this, "state_table_name", { value: table.name });
    new TerraformOutput(this, "test_oci_function_name", {
      value: this.functions["test-oci"].functionName,
      description: "aws lambda invoke --function-name <this> out.json",
    });
  }

  /** EventBridge Scheduler → health-check, with a role that may invoke that one function only. */
  private addHealthCheckSchedule(prefix: string): void {
    const target = this.functions["health-check"];
    const caller = new DataAwsCallerIdentity(this, "caller");
    const name = `${functionName(prefix, "health-check")}-schedule`;
    const role = new IamRole(this, "scheduler-role", {
      name,
      description: "EventBridge Scheduler: invoke the health-check function",
      // Only schedules of this account may assume it (confused-deputy guard).
      assumeRolePolicy: assumeRolePolicy("scheduler.amazonaws.com", { StringEquals: { "aws:SourceAccount": caller.accountId } }),
    });
    new IamRolePolicy(this, "scheduler-policy", {
      name,
      role: role.id,
      policy: policyDocument([{ Sid: "InvokeHealthCheck", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: [target.arn] }]),
    });
    new SchedulerSchedule(this, "health-check-schedule", {
      name,
      description: "health_check_interval of the proxy config, rounded up to the scheduler's one-minute granularity",
      scheduleExpression: awsRateExpression(this.config.healthCheckIntervalMs),
      flexibleTimeWindow: { mode: "OFF" },
      target: {
        arn: target.arn,
        roleArn: role.arn,
        input: JSON.stringify({ source: "ociai-proxy.scheduler", action: "health-check" }),
        // The next run is a minute away: a late retry would only overlap it.
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      },
    });
  }
}
