/**
 * Rehearses the deploy's packaging without a cloud: `npm run build` with a deployment's
 * config (into a temp dist/), then each package as its cloud uses it.
 *
 * OCI: what `fn build` does for `runtime: docker` (fnproject/cli common/common.go: with a
 * Dockerfile it generates nothing and runs `docker build` on the function folder), replayed
 * here without a Docker engine: every COPY source must be in the build context and pass
 * .dockerignore, the base image must be a Node the Fn CLI still offers, and the image's
 * file system (WORKDIR + COPYed files) is assembled and its ENTRYPOINT started under the
 * real FDK harness, with the function config the stack sets (/function/config.conf).
 *
 * AWS: the Lambda zip is the function folder (archive provider), run as `index.handler`
 * with the environment the stack sets (/var/task/config.conf).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FUNCTION_BASE_IMAGE, FUNCTION_WORKDIR } from "../../infra/oci/function-image";
import { FUNCTIONS } from "../../infra/shared/functions";
import { REPO_ROOT } from "../../infra/shared/stack-options";
import { startFnContainer, type FnContainer } from "../harness/fn-container";
import { loadLambdaBundle, functionUrlEvent } from "../harness/lambda-runtime";
import { startServerlessFixture, type ServerlessFixture } from "../harness/serverless-fixture";
import { bundledConfig } from "../../scripts/lib/bundled-config";
import { createApp } from "../../infra/app";
import { INFRA_DIR } from "../../infra/shared/stack-options";
import { writeDeployConfig } from "./helpers";

/** Node versions the Fn CLI builds for (fnproject/cli langs/base.go registers node 24 and 22). */
const FN_NODE_VERSIONS = [24, 22];

let fx: ServerlessFixture;
let dist: string;
let build: { status: number | null; stdout: string; stderr: string };

beforeAll(async () => {
  fx = await startServerlessFixture();
  dist = mkdtempSync(join(tmpdir(), "ociai-dist-"));
  build = spawnSync(process.execPath, ["scripts/build.mjs"], {
    cwd: REPO_ROOT,
    env: { ...process.env, OCIAI_CONFIG_FILE: fx.configPath, OCIAI_DIST_DIR: dist },
    encoding: "utf8",
    timeout: 120_000,
  });
}, 130_000);

afterAll(async () => {
  await fx?.close();
  if (dist) rmSync(dist, { recursive: true, force: true });
});

test("npm run build names the config it bundled and what it did with the literal api_key", () => {
  expect(build.status).toBe(0);
  expect(build.stdout).toContain(`config: ${fx.configPath}`);
  expect(build.stderr).toMatch(/warning: \S*multi_config\.conf api_key: a literal key; the bundles get "auto_generated_key" instead/);
  for (const platform of ["aws", "oci"]) {
    for (const spec of FUNCTIONS) {
      const bundled = readFileSync(join(dist, platform, spec.name, "config.conf"), "utf8");
      expect(bundled).not.toContain(fx.apiKey);
      expect(bundled).toMatch(/^api_key = auto_generated_key$/m);
    }
  }
});

test("a bad config value stops the build with the CLI's one-line error, before anything is written", () => {
  const bad = join(fx.dir, "bad.conf");
  writeFileSync(bad, readFileSync(fx.configPath, "utf8").replace("[ACCOUNT_2]", "[ACCOUNT_2]\nweight = abc"));
  const out = join(dist, "bad");
  const run = spawnSync(process.execPath, ["scripts/build.mjs"], { cwd: REPO_ROOT, env: { ...process.env, OCIAI_CONFIG_FILE: bad, OCIAI_DIST_DIR: out }, encoding: "utf8", timeout: 60_000 });
  expect(run.status).toBe(1);
  expect(run.stderr).toBe(`build: ${bad} [ACCOUNT_2] weight: expected a positive integer, got "abc"\n`);
  expect(existsSync(out)).toBe(false);
});

test("the build warns which bundles cannot run a config, and names inline keys", async () => {
  const { file } = writeDeployConfig();
  const { warnings } = await bundledConfig(file);
  expect(warnings).toContainEqual(expect.stringMatching(/^dist\/aws bundles cannot start with this: \S+ \[ACCOUNT_1\] auth: resource_principal is an OCI identity/));
  expect(warnings).toContainEqual(expect.stringMatching(/\[ACCOUNT_3\] key_content: the PEM is copied into every function package/));
  expect(warnings.some((w) => w.startsWith("dist/oci"))).toBe(false);
  // A placeholder api_key is fine as is: nothing to say about it.
  expect(warnings.some((w) => w.includes(" api_key: "))).toBe(false);
});

interface Instruction {
  op: string;
  args: string;
}

function dockerfile(text: string): Instruction[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"))
    .map((line) => {
      const [op, ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

/** The .dockerignore subset Docker applies: patterns in order, "!" re-includes, last match wins. */
function ignored(patterns: string[], file: string): boolean {
  let result = false;
  for (const pattern of patterns) {
    const negate = pattern.startsWith("!");
    const glob = negate ? pattern.slice(1) : pattern;
    const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`);
    if (re.test(file)) result = !negate;
  }
  return result;
}

describe.each(FUNCTIONS.map((spec) => spec.name))("OCI image of %s, as fn build (runtime: docker) and Functions run it", (fn) => {
  let context: string;
  let root: string;
  let container: FnContainer | undefined;
  let instructions: Instruction[];

  beforeAll(() => {
    context = join(dist, "oci", fn);
    instructions = dockerfile(readFileSync(join(context, "Dockerfile"), "utf8"));
  });
  afterAll(async () => {
    await container?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test("func.yaml hands the build to the Dockerfile", () => {
    const yaml = Object.fromEntries(
      readFileSync(join(context, "func.yaml"), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split(/:\s*/, 2)),
    );
    expect(yaml).toMatchObject({ schema_version: "20180708", name: fn, runtime: "docker" });
    // fn: "Dockerfile does not exist for 'docker' runtime" otherwise; build/run images would be ignored.
    expect(existsSync(join(context, "Dockerfile"))).toBe(true);
    expect(yaml.build_image).toBeUndefined();
    const spec = FUNCTIONS.find((f) => f.name === fn)!;
    expect(Number(yaml.memory)).toBe(spec.oci.memoryMb);
  });

  test("one stage from a Node image the Fn CLI offers; nothing installed at build time", () => {
    const from = instructions.filter((i) => i.op === "FROM");
    expect(from).toEqual([{ op: "FROM", args: FUNCTION_BASE_IMAGE }]);
    const [, image, tag] = /^(fnproject\/node):(\d+)$/.exec(from[0].args) ?? [];
    expect(image).toBe("fnproject/node");
    expect(FN_NODE_VERSIONS).toContain(Number(tag));
    expect(Number(tag)).toBe(Math.max(...FN_NODE_VERSIONS));
    // No npm install, no build stage: the bundle has no dependencies to fetch.
    for (const run of instructions.filter((i) => i.op === "RUN")) expect(run.args).not.toMatch(/npm|yarn|pnpm/);
  });

  test("every COPY/ADD source is in the build context and survives .dockerignore", () => {
    const patterns = readFileSync(join(context, ".dockerignore"), "utf8").split("\n").filter(Boolean);
    const copies = instructions.filter((i) => i.op === "COPY" || i.op === "ADD");
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((part) => !part.startsWith("--"));
      for (const source of parts.slice(0, -1)) {
        expect({ source, inContext: existsSync(join(context, source)), ignored: ignored(patterns, source) }).toEqual({ source, inContext: true, ignored: false });
      }
    }
    // The context the builder receives is small: the bundle and its config, not the source map.
    const sent = readdirSync(context).filter((file) => !ignored(patterns, file));
    expect(sent.sort()).toEqual(["config.conf", "func.js"]);
  });

  test("its ENTRYPOINT starts the FDK in the assembled image and serves with /function/config.conf", async () => {
    // Assemble the image's WORKDIR from the COPY instructions alone.
    root = mkdtempSync(join(tmpdir(), "ociai-image-"));
    const workdir = instructions.find((i) => i.op === "WORKDIR")!.args;
    expect(workdir).toBe(FUNCTION_WORKDIR);
    const imageDir = join(root, "function");
    mkdirSync(imageDir);
    for (const copy of instructions.filter((i) => i.op === "COPY")) {
      const parts = copy.args.split(/\s+/);
      expect(parts[parts.length - 1]).toBe(`${FUNCTION_WORKDIR}/`);
      for (const source of parts.slice(0, -1)) copyFileSync(join(context, source), join(imageDir, source));
    }
    const entrypoint = JSON.parse(instructions.find((i) => i.op === "ENTRYPOINT")!.args) as string[];
    expect(entrypoint[0]).toBe("node");
    // The function config the OCI stack sets, with /function mapped to the assembled folder.
    container = await startFnContainer(join(imageDir, entrypoint[1]), {
      env: { OCIAI_CONFIG_FILE: join(imageDir, "config.conf"), OCIAI_STATE_STORE: "memory", OCIAI_LOG_FORMAT: "json" },
      fnName: fn,
    });
    fx.resetSims();
    if (fn === "health-check" || fn === "test-oci") {
      // What Resource Scheduler (detached) or `fn invoke` does: every account probed.
      const res = await container.invoke(JSON.stringify({}), "application/json");
      expect(res.statusCode).toBe(200);
      expect(res.headers["fn-fdk-version"]).toMatch(/^fdk-node\//);
      expect(JSON.parse(res.text)).toMatchObject({ healthy: 2, total: 2 });
      expect(fx.sims.map((s) => s.stats().rejectedSignature)).toEqual([0, 0]);
    } else {
      // Client-facing functions get the API key from Vault (OCIAI_API_KEY_SECRET_OCID), never from the image.
      const res = await container.gateway({ method: "GET", url: "/health" });
      expect(res.raw.headers["fn-fdk-version"]).toMatch(/^fdk-node\//);
      expect(res.status).toBe(500);
      expect(container.output()).toContain("no API key: set OCIAI_API_KEY_SECRET_OCID");
    }
  }, 20_000);
});

describe("Lambda zips (the function folder, run as index.handler with /var/task/config.conf)", () => {
  test("health-check probes every account with the bundled config", async () => {
    const dir = join(dist, "aws", "health-check");
    const bundle = loadLambdaBundle(join(dir, "index.js"), { env: { OCIAI_CONFIG_FILE: join(dir, "config.conf"), OCIAI_STATE_STORE: "memory" } });
    try {
      fx.resetSims();
      expect(await bundle.invokeBuffered({ source: "ociai-proxy.scheduler", action: "health-check" })).toMatchObject({ healthy: 2, total: 2 });
    } finally {
      bundle.dispose();
    }
  });

  test("chat refuses to start without the API key's secret (the image and zip never carry the key)", async () => {
    const dir = join(dist, "aws", "chat");
    const bundle = loadLambdaBundle(join(dir, "index.js"), { env: { OCIAI_CONFIG_FILE: join(dir, "config.conf"), OCIAI_STATE_STORE: "memory" } });
    try {
      const res = await bundle.invokeStreaming(functionUrlEvent({ method: "GET", path: "/health" }));
      expect(res.statusCode).toBe(500);
      expect(bundle.logs.map((l) => l.text).join("\n")).toContain("no API key: set OCIAI_API_KEY_SECRET_ARN");
    } finally {
      bundle.dispose();
    }
  });
});

test("infra/oci/push-images.sh builds each image context for the shape's platform and pushes it under the stack's image names", async () => {
  // The synthesized oci stack the script reads, from the same config.
  const synthDir = join(dist, "cdktf.out");
  const { app } = await createApp(synthDir, { OCIAI_CONFIG_FILE: fx.configPath, OCIAI_OCI_NAMESPACE: "axaxns", OCIAI_OCI_COMPARTMENT_OCID: "ocid1.compartment.oc1..c", OCIAI_OCI_TENANCY_OCID: "ocid1.tenancy.oc1..t", OCIAI_OCI_REGION: "us-chicago-1", OCIAI_OCI_IMAGE_TAG: "9.9.9" }, { stacks: ["oci"] });
  app.synth();
  // No Docker engine here: a docker stand-in records each command line (the script's contract is the arguments).
  const bin = join(dist, "bin");
  mkdirSync(bin);
  const log = join(dist, "docker.log");
  writeFileSync(join(bin, "docker"), `#!/bin/sh\necho "$*" >> "${log}"\n`);
  chmodSync(join(bin, "docker"), 0o755);
  const run = spawnSync("bash", [join(INFRA_DIR, "oci", "push-images.sh")], {
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, CDKTF_OUTDIR: synthDir, OCIAI_DIST_DIR: dist },
    encoding: "utf8",
  });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
  const commands = readFileSync(log, "utf8").trim().split("\n");
  expect(commands).toEqual(
    FUNCTIONS.flatMap((spec) => {
      const image = `ord.ocir.io/axaxns/ociai-proxy/${spec.name}:9.9.9`;
      return [`build --platform linux/amd64 --tag ${image} ${join(dist, "oci", spec.name)}`, `push ${image}`];
    }),
  );
});
