// Bundles with esbuild, into OCIAI_DIST_DIR (default dist/): the CLI, and one bundle per
// function and platform (aws/<fn>/index.js exporting `handler`; oci/<fn>/func.js starting
// the FDK, with the Dockerfile and func.yaml its image build needs). CJS output: the OCI
// SDK's ESM build needs a createRequire banner, CJS does not.
//
// The functions get the deployment's config (OCIAI_CONFIG_FILE, else the example),
// checked first like the CLI's start-up: a bad value stops the build with the CLI's
// one-line error, and warnings name what a deploy would expose or could not run.
import { build } from "esbuild";
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tsImport } from "tsx/esm/api";

const quiet = process.argv.includes("--quiet");
const cliOnly = process.argv.includes("--cli-only");
const EXAMPLE_CONFIG = "config/multi_config.conf";
const functionConfig = process.env.OCIAI_CONFIG_FILE || EXAMPLE_CONFIG;
// Same setting as the stacks' distDir: where the Lambda zips and image contexts come from.
const dist = process.env.OCIAI_DIST_DIR || "dist";
const version = JSON.parse(readFileSync("package.json", "utf8")).version;

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
};

const sizes = [];
const record = (file) => sizes.push([file, statSync(file).size]);

let functions = [];
let bundled;
if (!cliOnly) {
  const [{ FUNCTIONS }, { functionImageFiles }, { bundledConfig }] = await Promise.all([
    tsImport("../infra/shared/functions.ts", import.meta.url),
    tsImport("../infra/oci/function-image.ts", import.meta.url),
    tsImport("./lib/bundled-config.ts", import.meta.url),
  ]);
  try {
    bundled = await bundledConfig(functionConfig);
  } catch (err) {
    process.stderr.write(`build: ${err.message}\n`);
    process.exit(1);
  }
  functions = FUNCTIONS.map((spec) => ({ spec, imageFiles: functionImageFiles(spec, version) }));
  if (!quiet) {
    const example = functionConfig === EXAMPLE_CONFIG ? " (the example: set OCIAI_CONFIG_FILE to bundle yours)" : "";
    console.log(`config: ${functionConfig}${example}`);
    for (const warning of bundled.warnings) console.warn(`warning: ${warning}`);
  }
}

const cli = `${dist}/cli/ociai-proxy.js`;
// V8 flags the proxy runs with (see scripts/lib/proxy-node-flags.json): a smaller young
// generation keeps RSS near 90 MiB with 500 open streams (≈ 112 MiB without) at no
// measured cost in latency or throughput. `env -S` passes them through the shebang.
const nodeFlags = JSON.parse(readFileSync("scripts/lib/proxy-node-flags.json", "utf8"));
await build({
  ...common,
  entryPoints: ["scripts/ociai-proxy.ts"],
  outfile: cli,
  banner: { js: `#!/usr/bin/env -S node ${nodeFlags.join(" ")}` },
  // The SDK is only loaded for principal auth and unlisted regions: not bundled, not
  // loaded at start-up (it stays a normal dependency).
  external: ["oci-common", "oci-secrets", "oci-objectstorage", "@aws-sdk/*"],
});
chmodSync(cli, 0o755);
record(cli);

const builds = [];
for (const { spec, imageFiles } of functions) {
  const fn = spec.name;
  const awsDir = `${dist}/aws/${fn}`;
  const ociDir = `${dist}/oci/${fn}`;
  // Fresh folders: whatever is in them goes into the Lambda zip or the image context.
  for (const dir of [awsDir, ociDir]) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  builds.push(
    build({
      ...common,
      entryPoints: [`functions/${fn}/aws.ts`],
      outfile: `${awsDir}/index.js`,
      minify: true,
      // The Lambda Node runtime ships AWS SDK v3; OCI SDK parts are never used on AWS.
      external: ["@aws-sdk/*", "oci-common", "oci-secrets", "oci-objectstorage"],
    }).then(() => {
      writeFileSync(join(awsDir, "config.conf"), bundled.text);
      record(`${awsDir}/index.js`);
    }),
    build({
      ...common,
      entryPoints: [`functions/${fn}/oci.ts`],
      outfile: `${ociDir}/func.js`,
      minify: true,
      external: ["@aws-sdk/*"],
    }).then(() => {
      writeFileSync(join(ociDir, "config.conf"), bundled.text);
      for (const [name, text] of Object.entries(imageFiles)) writeFileSync(join(ociDir, name), text);
      record(`${ociDir}/func.js`);
    }),
  );
}
await Promise.all(builds);

if (!quiet) {
  for (const [file, size] of sizes.sort()) console.log(`${file.padEnd(36)} ${(size / 1024).toFixed(0).padStart(6)} KB`);
}
