// Jest transformer: esbuild strips types (type checking is `tsc --noEmit` in `npm test`).
const { transformSync } = require("esbuild");

module.exports = {
  process(source, filename) {
    const { code, map } = transformSync(source, {
      loader: filename.endsWith(".ts") ? "ts" : "js",
      format: "cjs",
      target: "node20",
      sourcemap: "external",
      sourcefile: filename,
    });
    return { code, map };
  },
};
