/**
 * Entry point of the CDKTF app: `npm run synth [-- aws|oci]`, and the cdktf CLI through
 * infra/cdktf.json ("app", with --cdktf-cli). Writes infra/cdktf.out/stacks/<stack>/cdk.tf.json:
 * no network, no terraform binary, no bundles needed.
 *
 * Prints the config file it deployed from and every warning (secrets in the clear, a
 * clamped schedule, …). A bad config value fails with the proxy's one-line error. A stack
 * the config cannot run is written as a refusing stack (planning it fails with the reason)
 * and named here: `npm run synth` then exits 1; under the cdktf CLI, which synthesizes
 * every stack for any command, it does not, so `cdktf deploy oci` works while `cdktf
 * deploy aws` stops at plan.
 */
import { AnnotationMetadataEntryType, TerraformStack, type App } from "cdktf";
import { join } from "node:path";
import { STACK_NAMES, createApp, type StackName } from "./app";
import { DEFAULT_CONFIG_FILE, REPO_ROOT } from "./shared/stack-options";

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const underCdktfCli = args.includes("--cdktf-cli");
  const unknown = args.filter((arg) => arg !== "--cdktf-cli" && !(STACK_NAMES as readonly string[]).includes(arg));
  if (unknown.length > 0) fail(`unknown argument ${unknown.join(" ")} (stacks: ${STACK_NAMES.join(", ")})`, 2);
  const requested = args.filter((arg): arg is StackName => (STACK_NAMES as readonly string[]).includes(arg));

  const outdir = process.env.CDKTF_OUTDIR ?? join(__dirname, "cdktf.out");
  let result;
  try {
    result = await createApp(outdir, process.env, { stacks: requested.length > 0 ? requested : undefined });
    result.app.synth();
  } catch (err) {
    fail((err as Error).message, 1);
  }
  const { app, config, refused } = result;
  const example = config.file === join(REPO_ROOT, DEFAULT_CONFIG_FILE);
  console.log(`config: ${config.shownPath}${example ? " (the example config: set OCIAI_CONFIG_FILE to deploy yours)" : ""}`);
  for (const warning of stackWarnings(app)) console.warn(`warning: ${warning}`);
  const written = app.node.children.filter(TerraformStack.isStack).map((stack) => stack.node.id);
  console.log(`synthesized ${written.join(", ")} into ${outdir}/stacks`);
  for (const refusal of refused) console.error(`synth: ${refusal.message}`);
  if (refused.length > 0 && !underCdktfCli) process.exitCode = 1;
}

/** Warning annotations of every stack, once each (config warnings appear on both stacks). */
function stackWarnings(app: App): string[] {
  const seen = new Set<string>();
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type === AnnotationMetadataEntryType.WARN) seen.add(String(entry.data));
    }
  }
  return [...seen];
}

function fail(message: string, code: number): never {
  console.error(`synth: ${message}`);
  process.exit(code);
}

void main();
