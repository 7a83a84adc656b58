import type { FunctionSpec } from "../shared/functions";

/**
 * Base image of every function: the newest Node the Fn CLI offers (fnproject/cli registers
 * node 24 and 22 in langs/base.go; node 20 was dropped). The bundle is plain CommonJS with
 * the FDK inside, so the runtime image alone is enough: no build stage, no npm install.
 */
export const FUNCTION_BASE_IMAGE = "fnproject/node:24";
/** Where the image keeps the function (the FDK's and Fn's convention). */
export const FUNCTION_WORKDIR = "/function";
/** What the image holds besides the base: the bundle and the config it reads. */
export const FUNCTION_IMAGE_FILES = ["func.js", "config.conf"] as const;

/**
 * The build context files `npm run build` writes next to dist/oci/<fn>/func.js: a
 * Dockerfile that owns the image (`runtime: docker`, so `fn build` runs exactly this
 * Dockerfile instead of generating one with an npm install stage), a .dockerignore that
 * sends the builder only those files, and a func.yaml for Fn CLI users. infra/oci/push-images.sh builds the same Dockerfile with docker directly.
 *
 * @example
 *   functionImageFiles(FUNCTIONS[0])["Dockerfile"] // "FROM fnproject/node:24\nWORKDIR /function\n…"
 */
export function functionImageFiles(spec: FunctionSpec, version: string): Record<"Dockerfile" | ".dockerignore" | "func.yaml", string> {
  return {
    // Only what the image needs goes to the builder (not the 3 MB source map).
    ".dockerignore": ["*", ...FUNCTION_IMAGE_FILES.map((file) => `!${file}`), ""].join("\n"),
    Dockerfile: [
      "# Written by scripts/build.mjs: the whole function is func.js (esbuild bundle, FDK included).",
      `FROM ${FUNCTION_BASE_IMAGE}`,
      `WORKDIR ${FUNCTION_WORKDIR}`,
      `COPY ${FUNCTION_IMAGE_FILES.join(" ")} ${FUNCTION_WORKDIR}/`,
      // Functions run the container as an unprivileged user: files must be world-readable (as fn's own Dockerfiles do).
      `RUN chmod -R o+r ${FUNCTION_WORKDIR}`,
      'ENTRYPOINT ["node", "func.js"]',
      "",
    ].join("\n"),
    "func.yaml": [
      "schema_version: 20180708",
      `name: ${spec.name}`,
      `version: ${version}`,
      "runtime: docker",
      `memory: ${spec.oci.memoryMb}`,
      `timeout: ${spec.oci.timeoutSeconds}`,
      "",
    ].join("\n"),
  };
}
