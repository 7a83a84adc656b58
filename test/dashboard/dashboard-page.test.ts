/**
 * GET /dashboard of the built `ociai-proxy` CLI (dist/cli, three accounts on OCI
 * simulators), in real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * the page asks for the key, then shows the accounts and their breakers, follows a breaker
 * that opens under injected faults and is reset from the page, and fills its charts and
 * token table from real traffic. A screenshot goes to test-output/ (git-ignored).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { writeConfig, type ConfigSpec } from "../helpers/write-config";
import { generateTestAccount, startSimulator, type OciSimulator } from "../simulator";

const CLI = resolve(__dirname, "../../dist/cli/ociai-proxy.js");
const OUTPUT = join(__dirname, "../../test-output");
const CHROMIUM = { executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] };
const API_KEY = "sk-dashboard-0123456789abcdef";

let dir: string;
let sims: OciSimulator[] = [];
let proxy: ChildProcess;
let base: string;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ociai-dashboard-"));
  const accounts: ConfigSpec["accounts"] = [];
  for (let i = 0; i < 3; i++) {
    const { account, privateKeyPem } = generateTestAccount({ tenancy: `ocid1.tenancy.oc1..dash${i}`, user: `ocid1.user.oc1..dash${i}` });
    writeFileSync(join(dir, `${i}.pem`), privateKeyPem, { mode: 0o600 });
    const sim = await startSimulator({ accounts: [account] });
    sims.push(sim);
    const keys = { id: `acct${i + 1}`, user: account.user, fingerprint: account.fingerprint, key_file: `./${i}.pem`, tenancy: account.tenancy, region: "us-chicago-1", endpoint: sim.url };
    accounts.push({ section: `ACCOUNT_${i + 1}`, keys });
  }
  const config = writeConfig(dir, {
    mode: "multi",
    apiKey: API_KEY,
    settings: { retry_attempts: 3, health_check_interval: "1h" },
    breaker: { max_failures: 2, reset_timeout: "60s" },
    accounts,
  });
  proxy = spawn(process.execPath, [CLI, "-multi-account", "-config", config, "-port", "0", "-host", "127.0.0.1"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proxy.stdout!.on("data", (d) => (output += d));
  proxy.stderr!.on("data", (d) => (output += d));
  const port = await new Promise<string>((resolvePort, reject) => {
    const timer = setInterval(() => {
      const match = /Starting server on port (\d+)/.exec(output);
      if (match) {
        clearInterval(timer);
        resolvePort(match[1]);
      }
    }, 20);
    proxy.once("exit", () => {
      clearInterval(timer);
      reject(new Error(`the CLI exited during start-up:\n${output}`));
    });
  });
  base = `http://127.0.0.1:${port}`;
  browser = await chromium.launch(CHROMIUM);
});

afterAll(async () => {
  await browser?.close();
  if (proxy && proxy.exitCode === null) {
    const exited = new Promise((r) => proxy.once("exit", r));
    proxy.kill("SIGTERM");
    await exited;
  }
  await Promise.all(sims.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${API_KEY}` };

async function chat(stream = false): Promise<number> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ model: "grok-4", max_tokens: 8, stream, messages: [{ role: "user", content: "hi" }] }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function breakerOf(account: string): Promise<string> {
  const { circuit_breakers } = await (await fetch(`${base}/stats/circuit-breaker`, { headers: auth })).json();
  return circuit_breakers.find((b: { id: string }) => b.id === account)?.state;
}

const cellText = (page: Page, account: string, cell: string) => page.locator(`tr[data-account="${account}"] .${cell}`).textContent();

async function waitForBreaker(page: Page, account: string, state: string): Promise<void> {
  await page.waitForFunction(
    ([id, want]) => document.querySelector(`tr[data-account="${id}"] .breaker`)?.textContent === want,
    [account, state] as const,
    { timeout: 6_000 },
  );
}

test("the page asks for the key, keeps it out of URLs, and follows a breaker opening and being reset", async () => {
  for (let i = 0; i < 6; i++) expect(await chat(i % 2 === 1)).toBe(200);
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on("console", (msg) => msg.type() === "error" && problems.push(msg.text()));
  page.on("pageerror", (err) => problems.push(err.message));
  const dataRequests: { url: string; authorization?: string }[] = [];
  page.on("request", (req) => {
    if (!req.url().endsWith("/dashboard")) dataRequests.push({ url: req.url(), authorization: req.headers().authorization });
  });

  const response = await page.goto(`${base}/dashboard`);
  expect(response!.status()).toBe(200);
  expect(response!.headers()["content-security-policy"]).toMatch(/^default-src 'none'; script-src 'sha256-[^']+'; style-src 'sha256-[^']+'; connect-src 'self'/);
  expect(await page.locator("#key").getAttribute("type")).toBe("password");

  // A wrong key is refused and asked for again.
  await page.fill("#key", "sk-wrong");
  await page.click("#login button[type=submit]");
  await page.waitForFunction(() => document.getElementById("login-error")?.textContent === "That key was refused.");

  await page.fill("#key", API_KEY);
  await page.click("#login button[type=submit]");
  await waitForBreaker(page, "acct1", "closed");
  expect(await page.locator("tr[data-account] .id").allTextContents()).toEqual(["acct1", "acct2", "acct3"]);
  expect(await cellText(page, "acct2", "breaker")).toBe("closed");
  expect(await page.evaluate(() => sessionStorage.getItem("ociai-dashboard-key"))).toBe(API_KEY);

  // acct1 fails until its breaker opens; the page shows it within a refresh or two.
  sims[0].setFaults({ status: 500 });
  for (let i = 0; i < 12 && (await breakerOf("acct1")) !== "open"; i++) await chat();
  expect(await breakerOf("acct1")).toBe("open");
  await waitForBreaker(page, "acct1", "open");
  expect(await cellText(page, "acct2", "breaker")).toBe("closed");
  expect(Number(await page.locator('tr[data-account="acct1"] td.num').nth(3).textContent())).toBeGreaterThanOrEqual(2);

  // Charts and tokens have data from the proxy's own request records.
  for (const chart of ["#chart-rps", "#chart-latency", "#chart-ttft"]) {
    await page.waitForFunction((id) => (document.querySelector(`${id} path.line`)?.getAttribute("d") ?? "").length > 0, chart, { timeout: 6_000 });
  }
  await page.waitForFunction(() => Number(document.querySelector('#tokens tr[data-model="grok-4"] td.num')?.textContent) > 0, undefined, { timeout: 6_000 });
  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, "dashboard.png"), fullPage: true });

  // The page's own reset button closes the breaker (POST /admin/circuit-breaker/reset with the key).
  sims[0].setFaults(null);
  await page.click('tr[data-account="acct1"] button');
  await waitForBreaker(page, "acct1", "closed");
  expect(await breakerOf("acct1")).toBe("closed");

  expect(dataRequests.length).toBeGreaterThan(0);
  for (const r of dataRequests) {
    expect(r.url).not.toContain(API_KEY);
    expect(r.url.startsWith(`${base}/stats`) || r.url.startsWith(`${base}/admin/`)).toBe(true);
  }
  expect(dataRequests.filter((r) => r.authorization === `Bearer ${API_KEY}`).length).toBeGreaterThan(2);
  expect(page.url()).toBe(`${base}/dashboard`);
  expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
  await page.close();
}, 40_000);

test("GET /stats/series needs the key and refuses a bad window with a 400; the page needs none", async () => {
  expect((await fetch(`${base}/dashboard`)).status).toBe(200);
  expect((await fetch(`${base}/stats/series`)).status).toBe(401);
  const bad = await fetch(`${base}/stats/series?window=abc`, { headers: auth });
  expect(bad.status).toBe(400);
  expect((await bad.json()).error).toMatchObject({ type: "invalid_request_error", param: "window" });
  const series = async () => (await fetch(`${base}/stats/series?window=60`, { headers: auth })).json();
  const view = await series();
  expect(view).toMatchObject({ interval_ms: 2000, scope: "process" });
  expect(view.t).toHaveLength(30);
  // The series holds complete 2-second intervals: the requests above show once theirs has ended.
  let requests = view.summary.requests;
  for (let i = 0; i < 40 && requests < 6; i++) {
    await new Promise((r) => setTimeout(r, 100));
    requests = (await series()).summary.requests;
  }
  expect(requests).toBeGreaterThanOrEqual(6);
});
