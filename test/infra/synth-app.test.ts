import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STACK_NAMES, createApp } from "../../infra/app";
import { INFRA_DIR } from "../../infra/shared/stack-options";

describe("the CDKTF app (npm run synth)", () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), "ociai-cdktf-out-"));
    // Same code path as infra/main.ts, into a temp folder; no network, no terraform, no dist/.
    createApp(outdir, {}).synth();
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test.each(STACK_NAMES)("writes stacks/%s/cdk.tf.json", (name) => {
    const file = join(outdir, "stacks", name, "cdk.tf.json");
    expect(existsSync(file)).toBe(true);
    const stack = JSON.parse(readFileSync(file, "utf8"));
    expect(Object.keys(stack.resource).length).toBeGreaterThan(5);
    // State stays in infra/ (git-ignored there), whatever the working directory.
    expect(stack.terraform.backend.local.path).toBe(join(INFRA_DIR, `terraform.${name}.tfstate`));
  });

  test("cdktf.json runs this app from infra/ and names every provider with a version", () => {
    const cdktf = JSON.parse(readFileSync(join(INFRA_DIR, "cdktf.json"), "utf8"));
    expect(cdktf).toMatchObject({ language: "typescript", app: "npx tsx main.ts", output: "cdktf.out" });
    const providers = (cdktf.terraformProviders as string[]).map((p) => p.split("@")[0]);
    expect(providers.sort()).toEqual(["hashicorp/archive", "hashicorp/aws", "hashicorp/random", "oracle/oci"]);
    for (const provider of cdktf.terraformProviders as string[]) expect(provider).toMatch(/@.*\d/);
  });
});
