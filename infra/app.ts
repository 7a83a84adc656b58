import { App } from "cdktf";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AwsStack } from "./aws/aws-stack";
import { OciStack } from "./oci/oci-stack";
import { awsOptionsFrom, ociOptionsFrom, settingLookup } from "./shared/stack-options";

/** Stack names: `cdktf deploy aws`, `cdktf deploy oci`. */
export const STACK_NAMES = ["aws", "oci"] as const;

/**
 * The CDKTF app: both stacks, configured from OCIAI_* environment variables and the
 * "context" of infra/cdktf.json. The cdktf CLI passes that context itself
 * (CDKTF_CONTEXT_JSON); when run directly (`npm run synth`) it is read from the file.
 */
export function createApp(outdir: string, env: NodeJS.ProcessEnv = process.env): App {
  const app = new App({ outdir, context: env.CDKTF_CONTEXT_JSON ? undefined : cdktfJsonContext() });
  const lookup = settingLookup(env, (key) => app.node.tryGetContext(key));
  new AwsStack(app, "aws", awsOptionsFrom(lookup, env));
  new OciStack(app, "oci", ociOptionsFrom(lookup));
  return app;
}

function cdktfJsonContext(): Record<string, unknown> | undefined {
  const file = join(__dirname, "cdktf.json");
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as { context?: Record<string, unknown> }).context;
}
