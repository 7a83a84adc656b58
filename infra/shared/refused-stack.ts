import { Annotations, DataResource, LocalBackend, TerraformLocal, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { localStatePath } from "./stack-options";

/** A stack that cannot be built from the config, with the reasons (one line each). */
export class StackRefusedError extends Error {
  override readonly name = "StackRefusedError";

  readonly problems: readonly string[];

  constructor(
    readonly stackName: string,
    problems: readonly string[],
  ) {
    super(`the ${stackName} stack cannot run this config:\n  ${problems.join("\n  ")}`);
    this.problems = problems;
  }
}

/**
 * Stands in for a stack the config cannot be deployed to, when the cdktf CLI synthesizes
 * every stack of the app at once: `cdktf deploy oci` must still work when only the aws
 * stack is refused. The CLI shows the reasons as a warning at synth, and planning this
 * stack (`cdktf diff|deploy <stack>`) stops with them, before anything is created or
 * changed. Only Terraform's built-in terraform_data is used: no provider to download.
 */
export class RefusedStack extends TerraformStack {
  constructor(scope: Construct, id: string, error: StackRefusedError) {
    super(scope, id);
    new LocalBackend(this, { path: localStatePath(id) });
    Annotations.of(this).addWarning(error.message);
    // Terraform wants a condition that refers to something: the list of reasons.
    new TerraformLocal(this, "refusal_reasons", error.problems);
    new DataResource(this, "refused", {
      lifecycle: {
        precondition: [{ condition: "${length(local.refusal_reasons) == 0}", errorMessage: `${error.message}\n(fix the config, run npm run build and synth again)` }],
      },
    });
  }
}
