// Bundles the CLI (and, later, one bundle per function and platform) with esbuild.
// CJS output: the OCI SDK's ESM build needs a createRequire banner, CJS does not.
import { build } from "esbuild";
import { chmodSync, statSync } from "node:fs";

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
};

const cli = "dist/cli/ociai-proxy.js";
await build({
  ...common,
  entryPoints: ["scripts/ociai-proxy.ts"],
  outfile: cli,
  banner: { js: "#!/usr/bin/env node" },
  // The SDK is only loaded for principal auth and unlisted regions; keep it out of the
  // bundle's start-up path (it stays a normal dependency).
  external: ["oci-common"],
});
chmodSync(cli, 0o755);
console.log(`built ${cli} (${(statSync(cli).size / 1024).toFixed(0)} KB)`);
