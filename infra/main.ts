/**
 * Entry point of the CDKTF app (infra/cdktf.json "app"). Synthesizes both stacks into
 * infra/cdktf.out/stacks/{aws,oci}/cdk.tf.json: no network, no terraform binary, no
 * bundles needed. `npm run synth` runs this; `cdktf deploy aws|oci` (from infra/) too.
 */
import { join } from "node:path";
import { createApp } from "./app";

const outdir = process.env.CDKTF_OUTDIR ?? join(__dirname, "cdktf.out");
createApp(outdir).synth();
console.log(`synthesized stacks aws, oci into ${outdir}/stacks`);
