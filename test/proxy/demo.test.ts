/** `npm run demo`, as a newcomer runs it: a streamed answer through the real CLI, no OCI account. */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

test("the demo streams an answer through the proxy and prints how to connect", async () => {
  const root = resolve(__dirname, "../..");
  const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/demo.ts", "--once"], {
    cwd: root,
    env: { ...process.env, PORT: "0" },
    timeout: 30_000,
  });
  expect(stdout).toMatch(/Base URL: http:\/\/127\.0\.0\.1:\d+\/v1/);
  expect(stdout).toMatch(/API key:\s+sk-oci-/);
  expect(stdout).toContain('Simulated answer from xai.grok-4 to: "Hello from the demo"');
  expect(stdout).toMatch(/request method=POST path=\/v1\/chat\/completions .*status=200 outcome=ok/);
}, 40_000);
