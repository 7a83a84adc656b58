/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": "<rootDir>/test/esbuild-transform.cjs" },
  // Two cores here and in CI: two workers keep suites parallel without thrashing.
  maxWorkers: 2,
  testTimeout: 20000,
  // Silences only the AWS SDK's Node-version notice (see the file); other warnings still show.
  setupFiles: ["<rootDir>/test/silence-aws-sdk-node-warning.cjs"],
};
