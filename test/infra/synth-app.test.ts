import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { STACK_NAMES, createApp } from "../../infra/app";
import { INFRA_DIR, REPO_ROOT } from "../../infra/shared/stack-options";
import { exampleConfigWithKeys, writeDeployConfig } from "./helpers";

const tmp: string[] = [];
const outdir = () => {
  const dir = mkdtempSync(join(tmpdir(), "ociai-cdktf-out-"));
  tmp.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of tmp) rmSync(dir, { recursive: true, force: true });
});

function stackJson(dir: string, name: string) {
  return JSON.parse(readFileSync(join(dir, "stacks", name, "cdk.tf.json"), "utf8"));
}

describe("the CDKTF app (npm run synth, cdktf synth)", () => {
  test.each(STACK_NAMES)("writes stacks/%s/cdk.tf.json, state kept in infra/", async (name) => {
    const dir = outdir();
    // Same code path as infra/main.ts, into a temp folder; no network, no terraform, no dist/.
    const { app, refused } = await createApp(dir, { OCIAI_CONFIG_FILE: exampleConfigWithKeys() });
    app.synth();
    expect(refused).toEqual([]);
    const stack = stackJson(dir, name);
    expect(Object.keys(stack.resource).length).toBeGreaterThan(5);
    expect(stack.terraform.backend.local.path).toBe(join(INFRA_DIR, `terraform.${name}.tfstate`));
  });

  test("cdktf.json runs this app from infra/ and lists no providers to generate (all are prebuilt or hand-written)", () => {
    const cdktf = JSON.parse(readFileSync(join(INFRA_DIR, "cdktf.json"), "utf8"));
    expect(cdktf).toMatchObject({ language: "typescript", app: "npx tsx main.ts --cdktf-cli", output: "cdktf.out" });
    // Listed providers make `cdktf synth` demand `cdktf get` (.gen/): none may be listed.
    expect(cdktf.terraformProviders ?? []).toEqual([]);
    expect(cdktf.terraformModules ?? []).toEqual([]);
    // The CLI is a pinned dev dependency: `npx cdktf …` needs no global install.
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8"));
    expect(pkg.devDependencies["cdktf-cli"]).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pkg.devDependencies["cdktf-cli"]).toBe(JSON.parse(readFileSync(join(REPO_ROOT, "node_modules/cdktf/package.json"), "utf8")).version);
  });

  test("a principal-auth config: the aws stack is refused (planning it fails with the reason), the oci stack synthesizes", async () => {
    const dir = outdir();
    const { file } = writeDeployConfig();
    const { app, refused } = await createApp(dir, { OCIAI_CONFIG_FILE: file, OCIAI_OCI_COMPARTMENT_OCID: "ocid1.compartment.oc1..c" });
    app.synth();
    expect(refused.map((r) => r.stackName)).toEqual(["aws"]);
    expect(refused[0].message).toMatch(/^the aws stack cannot run this config:\n {2}.*multi_config\.conf \[ACCOUNT_1\] auth: resource_principal is an OCI identity/);
    const aws = stackJson(dir, "aws");
    expect(Object.keys(aws.resource)).toEqual(["terraform_data"]);
    expect(aws.locals.refusal_reasons).toEqual([expect.stringMatching(/\[ACCOUNT_1\] auth: resource_principal/)]);
    expect(aws.resource.terraform_data.refused.lifecycle.precondition).toEqual([
      { condition: "${length(local.refusal_reasons) == 0}", error_message: expect.stringContaining("[ACCOUNT_1] auth: resource_principal") },
    ]);
    refusedStackDir = join(dir, "stacks", "aws");
    const oci = stackJson(dir, "oci");
    const statements = Object.values(oci.resource.oci_identity_policy as Record<string, { statements: string[] }>).flatMap((p) => p.statements);
    expect(statements).toContain("Allow dynamic-group ${oci_identity_dynamic_group.dynamic-group-all.name} to use generative-ai-family in tenancy");
  });
});

let refusedStackDir: string | undefined;
const terraform = spawnSync("terraform", ["version"], { encoding: "utf8" }).status === 0;

// Terraform's built-in terraform_data needs no provider download, so this runs offline.
(terraform ? test : test.skip)("terraform plan of the refused stack stops with the reasons (`cdktf diff|deploy aws`)", () => {
  expect(refusedStackDir).toBeDefined();
  const dir = outdir();
  const stack = JSON.parse(readFileSync(join(refusedStackDir!, "cdk.tf.json"), "utf8"));
  stack.terraform.backend.local.path = join(dir, "terraform.tfstate");
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(stack));
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  expect(spawnSync("terraform", ["init", "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8" }).status).toBe(0);
  const plan = spawnSync("terraform", ["plan", "-input=false", "-no-color"], { cwd: dir, env, encoding: "utf8" });
  expect(plan.status).toBe(1);
  expect(plan.stderr).toContain("Resource precondition failed");
  expect(plan.stderr).toContain("the aws stack cannot run this config:");
  expect(plan.stderr).toMatch(/\[ACCOUNT_1\] auth: resource_principal is an OCI identity/);
}, 60_000);

test("`npx cdktf synth` from infra/ (the pinned CLI, cdktf.json as shipped) synthesizes both stacks", () => {
  const dir = outdir();
  const run = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules/cdktf-cli/bundle/bin/cdktf"), "synth", "--output", dir], {
    cwd: INFRA_DIR,
    env: { ...process.env, OCIAI_CONFIG_FILE: exampleConfigWithKeys(), CHECKPOINT_DISABLE: "1", CI: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
  expect({ status: run.status, output: run.status === 0 ? "" : run.stdout + run.stderr }).toEqual({ status: 0, output: "" });
  for (const name of STACK_NAMES) expect(existsSync(join(dir, "stacks", name, "cdk.tf.json"))).toBe(true);
  expect(existsSync(join(INFRA_DIR, ".gen"))).toBe(false);
}, 120_000);

describe("npm run synth as a process", () => {
  const synthProcess = (env: Record<string, string>, args: string[] = []) => {
    const dir = outdir();
    const run = spawnSync(process.execPath, [join(REPO_ROOT, "node_modules/tsx/dist/cli.mjs"), join(INFRA_DIR, "main.ts"), ...args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CDKTF_OUTDIR: dir, ...env },
      encoding: "utf8",
      timeout: 60_000,
    });
    return { ...run, dir };
  };

  test("a bad config value: exit 1 with the CLI's one-line error, nothing written", () => {
    const file = exampleConfigWithKeys();
    writeFileSync(file, readFileSync(file, "utf8").replace("weight = 2", "weight = abc"));
    const run = synthProcess({ OCIAI_CONFIG_FILE: file });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^synth: \S*multi_config\.conf \[ACCOUNT_2\] weight: expected a positive integer, got "abc"$/);
    expect(existsSync(join(run.dir, "stacks"))).toBe(false);
  }, 60_000);

  test("a principal config: names the config, refuses aws with exit 1; `-- oci` alone succeeds", () => {
    const { file } = writeDeployConfig();
    const both = synthProcess({ OCIAI_CONFIG_FILE: file });
    expect(both.status).toBe(1);
    expect(both.stdout).toContain(`config: ${file}`);
    expect(both.stderr).toMatch(/synth: the aws stack cannot run this config:\n {2}\S*multi_config\.conf \[ACCOUNT_1\] auth: resource_principal/);
    expect(both.stderr).toMatch(/warning: \S*multi_config\.conf health_check_interval: 600s is shorter than OCI Resource Scheduler allows/);
    expect(existsSync(join(both.dir, "stacks", "oci", "cdk.tf.json"))).toBe(true);
    const oci = synthProcess({ OCIAI_CONFIG_FILE: file }, ["oci"]);
    expect(oci.status).toBe(0);
    expect(oci.stdout).toContain("synthesized oci into");
    expect(existsSync(join(oci.dir, "stacks", "aws"))).toBe(false);
  }, 60_000);
});
