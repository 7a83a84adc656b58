/**
 * The dashboard's browser script as text. `npm run build` bundles browser/dashboard-app.ts
 * with esbuild (options in dashboard-build.json) and embeds the result in the server
 * bundles through `define`; running from source (tests, tsx) bundles it on first use with
 * the same esbuild, a dev dependency.
 */
import { join } from "node:path";
import buildOptions from "./dashboard-build.json";

declare const OCIAI_DASHBOARD_JS: string | undefined;

let fromSource: string | undefined;

export function dashboardScript(): string {
  if (typeof OCIAI_DASHBOARD_JS === "string") return OCIAI_DASHBOARD_JS;
  fromSource ??= buildFromSource();
  return fromSource;
}

function buildFromSource(): string {
  // Only reached unbundled: the bundles define OCIAI_DASHBOARD_JS and keep esbuild external.
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const root = join(__dirname, "../..");
  const result = buildSync({ ...(buildOptions as object), entryPoints: buildOptions.entryPoints.map((e) => join(root, e)), write: false });
  return result.outputFiles[0].text;
}
