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
      // Jest's CommonJS sandbox cannot run import(): compile lazy imports to require().
      supported: { "dynamic-import": false },
    });
    return { code, map };
  },
};
