import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { Construct } from "constructs";
import { join } from "node:path";
import { functionName, type FunctionSpec } from "../shared/functions";
import { assumeRolePolicy, policyDocument, type PolicyStatement } from "./iam-policy";

export const LAMBDA_RUNTIME = "nodejs22.x";
export const LAMBDA_ARCHITECTURE = "arm64";
/** Where Lambda unpacks the zip; the build puts config.conf next to index.js. */
const TASK_ROOT = "/var/task";

export interface ProxyLambdaProps {
  spec: FunctionSpec;
  namePrefix: string;
  /** dist/ folder: the code is dist/aws/<name>/ (index.js exporting `handler`, config.conf). */
  distDir: string;
  logRetentionDays: number;
  /** Runtime environment: references (table name, secret ARNs), never secret values. */
  environment: Record<string, string>;
  /** What this function may do besides writing its own logs. */
  statements: PolicyStatement[];
}

/**
 * One proxy function on Lambda: its zip (built from dist/aws/<name> by the archive
 * provider at plan time, so synth and tests never need the bundle), a log group with
 * retention, and a role that may write to that log group and do `statements`, nothing else.
 */
export class ProxyLambda extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  readonly code: DataArchiveFile;

  constructor(scope: Construct, id: string, props: ProxyLambdaProps) {
    super(scope, id);
    const name = functionName(props.namePrefix, props.spec.name);

    this.code = new DataArchiveFile(this, "code", {
      type: "zip",
      sourceDir: join(props.distDir, "aws", props.spec.name),
      // Next to the bundles (dist/ is git-ignored), not in cdktf.out, which synth rewrites.
      outputPath: join(props.distDir, "aws", `${props.spec.name}.zip`),
    });

    // Created before the function, so Lambda never creates it without retention.
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${name}`,
      retentionInDays: props.logRetentionDays,
    });

    this.role = new IamRole(this, "role", {
      name,
      description: `${name}: ${props.spec.description}`,
      assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com"),
    });
    const logs: PolicyStatement = {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`${this.logGroup.arn}:*`],
    };
    const policy = new IamRolePolicy(this, "policy", {
      name,
      role: this.role.id,
      policy: policyDocument([logs, ...props.statements]),
    });

    this.function = new LambdaFunction(this, "function", {
      functionName: name,
      description: props.spec.description,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: "index.handler",
      filename: this.code.outputPath,
      sourceCodeHash: this.code.outputBase64Sha256,
      memorySize: props.spec.aws.memoryMb,
      timeout: props.spec.aws.timeoutSeconds,
      environment: { variables: { OCIAI_CONFIG_FILE: `${TASK_ROOT}/config.conf`, ...props.environment } },
      loggingConfig: { logFormat: "Text", logGroup: this.logGroup.name },
      dependsOn: [this.logGroup, policy],
    });
  }
}
