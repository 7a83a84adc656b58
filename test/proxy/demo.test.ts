/** `npm run demo`, as a newcomer runs it: a streamed answer through the real CLI, no OCI account. */
import { execFile, spawn } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = resolve(__dirname, "../..");

test("the demo streams an answer through the proxy and prints how to connect (--port, --once)", async () => {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/demo.ts", "--port", "0", "--once"], {
    cwd: root,
    timeout: 30_000,
  });
  expect(stdout).toMatch(/Base URL: http:\/\/127\.0\.0\.1:\d+\/v1/);
  expect(stdout).toMatch(/API key:\s+sk-oci-/);
  expect(stdout).toContain('Simulated answer from xai.grok-4 to: "Hello from the demo"');
  expect(stdout).toMatch(/request method=POST path=\/v1\/chat\/completions .*status=200 outcome=ok/);
}, 40_000);

test("--help prints the usage", async () => {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "scripts/demo.ts", "--help"], { cwd: root, timeout: 20_000 });
  expect(stdout).toContain("usage: npm run demo");
  expect(stdout).toContain("--port N");
}, 30_000);

test("stopping the demo stops the proxy and the simulator it started", async () => {
  const demo = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts", "--port", "0"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  demo.stdout!.on("data", (d) => (out += d));
  demo.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => demo.once("exit", r));
  const until = Date.now() + 30_000;
  while (!out.includes("Ctrl-C stops both")) {
    if (Date.now() > until) throw new Error(`the demo did not come up:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const proxyUrl = /Base URL: (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out)![1];
  const simulatorUrl = /simulated OCI at (http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1];
  expect((await fetch(`${proxyUrl}/health`)).status).toBe(200);
  // The printed dashboard and metrics addresses answer: the page, and the streamed answer counted.
  const dashboard = /Dashboard: (\S+)/.exec(out)![1];
  const page = await fetch(dashboard);
  expect(page.headers.get("content-type")).toContain("text/html");
  const apiKey = /API key:\s+(\S+)/.exec(out)![1];
  const metrics = await fetch(/Metrics:\s+(\S+)/.exec(out)![1], { headers: { authorization: `Bearer ${apiKey}` } });
  expect(await metrics.text()).toMatch(/^ociai_requests_total\{endpoint="\/v1\/chat\/completions",model="grok-4",status="200",key="admin"\} 1$/m);

  demo.kill("SIGTERM");
  expect(await exited).toBe(0);
  await expect(fetch(`${proxyUrl}/health`)).rejects.toThrow();
  await expect(fetch(`${simulatorUrl}/__sim/stats`)).rejects.toThrow();
  expect(out).toContain("Stopped");
}, 40_000);
