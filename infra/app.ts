import { App } from "cdktf";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { AwsStack } from "./aws/aws-stack";
import { OciStack } from "./oci/oci-stack";
import { loadInfraConfig, type InfraConfig } from "./shared/load-infra-config";
import { RefusedStack, type StackRefusedError } from "./shared/refused-stack";
import { stackRefusal } from "./shared/stack-checks";
import { awsOptionsFrom, ociOptionsFrom, settingLookup } from "./shared/stack-options";

/** Stack names: `cdktf deploy aws`, `cdktf deploy oci`. */
export const STACK_NAMES = ["aws", "oci"] as const;
export type StackName = (typeof STACK_NAMES)[number];

export interface CreateAppOptions {
  /** Stacks to build; default both. */
  stacks?: readonly StackName[];
}

export interface ProxyApp {
  app: App;
  /** The config both stacks deploy, as checked for the first stack built. */
  config: InfraConfig;
  /** Stacks the config cannot be deployed to: each is a RefusedStack in `app`. */
  refused: StackRefusedError[];
}

/**
 * The CDKTF app: the stacks, configured from OCIAI_* environment variables and the
 * "context" of infra/cdktf.json (the cdktf CLI passes that context itself as
 * CDKTF_CONTEXT_JSON; run directly, it is read from the file). The proxy config is
 * loaded and checked first (a bad value throws its one-line ConfigError). A stack whose
 * functions could not run the config becomes a RefusedStack, so the other stack still
 * synthesizes and deploys: the cdktf CLI always synthesizes every stack.
 *
 * @example
 *   const { app, refused } = await createApp("infra/cdktf.out");
 *   app.synth();
 */
export async function createApp(outdir: string, env: NodeJS.ProcessEnv = process.env, options: CreateAppOptions = {}): Promise<ProxyApp> {
  // The CLI passes cdktf.json's context in CDKTF_CONTEXT_JSON; run directly, read the file.
  const context = env.CDKTF_CONTEXT_JSON ? (JSON.parse(env.CDKTF_CONTEXT_JSON) as Record<string, unknown>) : (cdktfJsonContext() ?? {});
  const lookup = settingLookup(env, (key) => context[key]);
  const plans = {
    aws() {
      const stackOptions = awsOptionsFrom(lookup, env);
      return { stackOptions, build: (app: App, config: InfraConfig) => new AwsStack(app, "aws", stackOptions, config), keySecretIds: Object.keys(stackOptions.accountKeySecretArns) };
    },
    oci() {
      const stackOptions = ociOptionsFrom(lookup);
      return { stackOptions, build: (app: App, config: InfraConfig) => new OciStack(app, "oci", stackOptions, config), keySecretIds: Object.keys(stackOptions.accountKeySecretOcids) };
    },
  };
  // Every config is checked before anything is written.
  const loaded = [];
  for (const name of options.stacks ?? STACK_NAMES) {
    const plan = plans[name]();
    // Keys given as secrets out of band need no key_file on this machine.
    loaded.push({ name, plan, config: await loadInfraConfig(plan.stackOptions.configFile, plan.keySecretIds) });
  }
  if (loaded.length === 0) throw new Error("no stack to synthesize");

  const app = new App({ outdir, context: env.CDKTF_CONTEXT_JSON ? undefined : context });
  const refused: StackRefusedError[] = [];
  for (const { name, plan, config } of loaded) {
    const refusal = stackRefusal(config, name);
    if (refusal) {
      refused.push(refusal);
      new RefusedStack(app, name, refusal);
    } else {
      plan.build(app, config);
    }
  }
  return { app, config: loaded[0].config, refused };
}

function cdktfJsonContext(): Record<string, unknown> | undefined {
  const file = join(__dirname, "cdktf.json");
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as { context?: Record<string, unknown> }).context;
}
