/**
 * GET /dashboard in real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * the page asks for the key, then shows the real pool's accounts and breaker states and
 * follows them as a breaker opens and is reset; charts and tokens fill from the series.
 * A screenshot goes to test-output/ (git-ignored).
 */
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import { mkdirSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { dashboardRoutes } from "../../shared/dashboard/dashboard-routes";
import { errorResponse } from "../../shared/http/error-response";
import { requireApiKey } from "../../shared/http/require-api-key";
import { adminRoutes, statsRoutes } from "../../shared/http/routes/stats";
import { ProxyMetrics } from "../../shared/metrics/proxy-metrics";
import { RequestSeries } from "../../shared/metrics/request-series";
import type { Stack } from "../helpers/stack";
import { chat, startPoolStack } from "../pool/pool-stack";

const OUTPUT = join(__dirname, "../../test-output");
const CHROMIUM = { executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] };

let stack: Stack;
let metrics: ProxyMetrics;
let server: ServerType;
let base: string;
let browser: Browser;

beforeAll(async () => {
  stack = await startPoolStack({ accounts: 3, settings: { retry_attempts: 3 }, breaker: { max_failures: 2, reset_timeout: "60s" } });
  const pool = stack.proxy.pool;
  const models = [...stack.config.models.keys()];
  metrics = new ProxyMetrics({ models, accounts: pool.members.map((m) => m.id), pool, series: new RequestSeries({ models }), processMetrics: false });

  // The routes as the app will mount them: the page is public, /stats/* and /admin/* need the key.
  const app = new Hono();
  const auth = requireApiKey(stack.apiKey);
  for (const path of ["/stats", "/stats/*", "/admin/*"]) app.use(path, auth);
  app.route("/", statsRoutes(pool));
  app.route("/", adminRoutes(pool));
  app.route("/", dashboardRoutes({ series: metrics.series! }));
  app.onError((err) => errorResponse(err));
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch(CHROMIUM);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await stack.close();
});

/** Real chats through the proxy, their outcomes fed to the request-path hooks as the app will. */
async function traffic(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const res = await chat(stack, { max_tokens: 8 });
    const route = metrics.route("/v1/chat/completions", "grok-4");
    route.finished(res.status, res.at - started);
    if (res.status === 200) route.tokens(stack.proxy.pool.members[i % 3].id, res.body.usage.prompt_tokens, res.body.usage.completion_tokens);
  }
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
  await traffic(6);
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

  await page.fill("#key", stack.apiKey);
  await page.click("#login button[type=submit]");
  await waitForBreaker(page, "acct1", "closed");
  expect(await page.locator("tr[data-account] .id").allTextContents()).toEqual(["acct1", "acct2", "acct3"]);
  expect(await cellText(page, "acct2", "breaker")).toBe("closed");
  expect(await page.evaluate(() => sessionStorage.getItem("ociai-dashboard-key"))).toBe(stack.apiKey);

  // acct1 fails until its breaker opens; the page shows it within a refresh or two.
  stack.sims[0].setFaults({ status: 500 });
  for (let i = 0; i < 12 && stack.proxy.pool.members[0].breaker.state !== "open"; i++) await traffic(1);
  expect(stack.proxy.pool.members[0].breaker.state).toBe("open");
  await waitForBreaker(page, "acct1", "open");
  expect(await cellText(page, "acct2", "breaker")).toBe("closed");
  expect(Number(await page.locator('tr[data-account="acct1"] td.num').nth(3).textContent())).toBeGreaterThanOrEqual(2);

  // Charts and tokens have data: lines drawn, the model's tokens counted.
  await page.waitForFunction(() => (document.querySelector("#chart-rps path.line")?.getAttribute("d") ?? "").length > 0, undefined, { timeout: 6_000 });
  expect(Number(await page.locator('#tokens tr[data-model="grok-4"] td.num').first().textContent())).toBeGreaterThan(0);
  mkdirSync(OUTPUT, { recursive: true });
  await page.screenshot({ path: join(OUTPUT, "dashboard.png"), fullPage: true });

  // The page's own reset button closes the breaker (POST /admin/circuit-breaker/reset with the key).
  stack.sims[0].setFaults(null);
  await page.click('tr[data-account="acct1"] button');
  await waitForBreaker(page, "acct1", "closed");
  expect(stack.proxy.pool.members[0].breaker.state).toBe("closed");

  expect(dataRequests.length).toBeGreaterThan(0);
  for (const r of dataRequests) {
    expect(r.url).not.toContain(stack.apiKey);
    expect(r.url.startsWith(`${base}/stats`) || r.url.startsWith(`${base}/admin/`)).toBe(true);
  }
  expect(dataRequests.filter((r) => r.authorization === `Bearer ${stack.apiKey}`).length).toBeGreaterThan(2);
  expect(page.url()).toBe(`${base}/dashboard`);
  expect(problems.filter((p) => !p.includes("401"))).toEqual([]);
  await page.close();
}, 40_000);

test("GET /stats/series needs the key and refuses a bad window with a 400", async () => {
  expect((await fetch(`${base}/stats/series`)).status).toBe(401);
  const bad = await fetch(`${base}/stats/series?window=abc`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
  expect(bad.status).toBe(400);
  expect((await bad.json()).error).toMatchObject({ type: "invalid_request_error", param: "window" });
  const ok = await fetch(`${base}/stats/series?window=60`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
  const view = await ok.json();
  expect(view).toMatchObject({ interval_ms: 2000, scope: "process" });
  expect(view.t).toHaveLength(30);
});
