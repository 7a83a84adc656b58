// Bundles with esbuild: the CLI, and one bundle per function and platform
// (dist/aws/<fn>/index.js exporting `handler`; dist/oci/<fn>/func.js starting the FDK,
// with the func.yaml and package.json an OCI Functions image build needs).
// CJS output: the OCI SDK's ESM build needs a createRequire banner, CJS does not.
import { build } from "esbuild";
import { chmodSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const FUNCTIONS = ["chat", "models", "health-check", "test-oci"];
const quiet = process.argv.includes("--quiet");
const only = process.argv.includes("--cli-only") ? "cli" : undefined;
// The config bundled next to each function (the runtime reads OCIAI_CONFIG_FILE, default ./config.conf).
const functionConfig = process.env.OCIAI_CONFIG_FILE ?? "config/multi_config.conf";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
};

// OpenTelemetry (≈ 1 MB of SDK and exporters unbundled) is loaded only when OTEL_* asks for
// tracing: start-tracing.ts imports ./otel-tracer lazily, and every bundle that can trace
// gets it as a separate file beside it, so a cold start without tracing never reads it.
const OTEL_CHUNK = "otel-tracer.js";
const TRACING_DIRS = ["dist/cli", "dist/aws/chat", "dist/aws/models", "dist/oci/chat", "dist/oci/models"];
const lazyImports = {
  name: "lazy-imports",
  setup(b) {
    b.onResolve({ filter: /^\.\/otel-tracer$/ }, () => ({ path: `./${OTEL_CHUNK}`, external: true }));
    // Only the unbundled dashboard (tests, tsx) builds its script at run time.
    b.onResolve({ filter: /^esbuild$/ }, () => ({ path: "esbuild", external: true }));
  },
};
common.plugins = [lazyImports];

// The dashboard's browser script, bundled once and embedded as a string (no build step for users).
const dashboardOptions = JSON.parse(readFileSync("shared/dashboard/dashboard-build.json", "utf8"));
const dashboard = await build({ ...dashboardOptions, write: false, logLevel: "warning" });
common.define = { OCIAI_DASHBOARD_JS: JSON.stringify(dashboard.outputFiles[0].text) };

const sizes = [];
const record = (file) => sizes.push([file, statSync(file).size]);

const cli = "dist/cli/ociai-proxy.js";
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

const otelChunk = `dist/otel/${OTEL_CHUNK}`;
await build({ ...common, plugins: [], entryPoints: ["shared/tracing/otel-tracer.ts"], outfile: otelChunk, minify: true });
record(otelChunk);

if (only !== "cli") {
  const builds = [];
  for (const fn of FUNCTIONS) {
    const awsOut = `dist/aws/${fn}/index.js`;
    builds.push(
      build({
        ...common,
        entryPoints: [`functions/${fn}/aws.ts`],
        outfile: awsOut,
        minify: true,
        // The Lambda Node runtime ships AWS SDK v3; OCI SDK parts are never used on AWS.
        external: ["@aws-sdk/*", "oci-common", "oci-secrets", "oci-objectstorage"],
      }).then(() => {
        copyFileSync(functionConfig, join(dirname(awsOut), "config.conf"));
        record(awsOut);
      }),
    );
    const ociOut = `dist/oci/${fn}/func.js`;
    builds.push(
      build({
        ...common,
        entryPoints: [`functions/${fn}/oci.ts`],
        outfile: ociOut,
        minify: true,
        external: ["@aws-sdk/*"],
      }).then(() => {
        writeOciImageContext(fn, dirname(ociOut));
        record(ociOut);
      }),
    );
  }
  await Promise.all(builds);
}
for (const dir of TRACING_DIRS) {
  if (only === "cli" && dir !== "dist/cli") continue;
  mkdirSync(dir, { recursive: true });
  copyFileSync(otelChunk, join(dir, OTEL_CHUNK));
}

if (!quiet) {
  for (const [file, size] of sizes.sort()) console.log(`${file.padEnd(36)} ${(size / 1024).toFixed(0).padStart(6)} KB`);
}

function writeOciImageContext(fn, dir) {
  mkdirSync(dir, { recursive: true });
  copyFileSync(functionConfig, join(dir, "config.conf"));
  writeFileSync(
    join(dir, "func.yaml"),
    [
      "schema_version: 20180708",
      `name: ${fn}`,
      "version: 0.1.0",
      "runtime: node",
      "build_image: fnproject/node:20-dev",
      "run_image: fnproject/node:20",
      "entrypoint: node func.js",
      `memory: ${fn === "chat" ? 512 : 256}`,
      `timeout: ${fn === "chat" ? 300 : 60}`,
      "",
    ].join("\n"),
  );
  // Everything is bundled into func.js: the image needs no npm dependencies.
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `ociai-${fn}`, version: "0.1.0", private: true, main: "func.js", dependencies: {} }, null, 2) + "\n");
}
