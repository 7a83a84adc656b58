/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": "<rootDir>/test/esbuild-transform.cjs",
    // The OTLP exporters load node:http with import(), which Jest's CommonJS sandbox
    // cannot run: compile it to require() like our own sources.
    "/node_modules/@opentelemetry/.+\\.js$": "<rootDir>/test/esbuild-transform.cjs",
  },
  transformIgnorePatterns: ["/node_modules/(?!@opentelemetry/)"],
  // Two cores here and in CI: two workers keep suites parallel without thrashing.
  maxWorkers: 2,
  testTimeout: 20000,
  // Silences only the AWS SDK's Node-version notice (see the file); other warnings still show.
  setupFiles: ["<rootDir>/test/silence-aws-sdk-node-warning.cjs"],
};
