/**
 * CORS as a browser enforces it: a page served from one origin (http://localhost:…) calls
 * the proxy on another (http://127.0.0.1:…) with fetch in real headless Chromium (Debian's
 * `chromium`, driven by playwright-core). The browser hides every response header the
 * proxy does not expose, so this is what a web app (or the SDKs' browser builds) can read.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { startStack, type Stack } from "../helpers/stack";

const CHROMIUM = { executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] };

let stack: Stack;
let site: Server;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  site = createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>app</title>"));
  await new Promise<void>((resolve) => site.listen(0, "localhost", resolve));
  browser = await chromium.launch(CHROMIUM);
  page = await browser.newPage();
  await page.goto(`http://localhost:${(site.address() as AddressInfo).port}/`);
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await stack?.close();
});

/** What the page's script sees of a cross-origin fetch: status and the headers it may read. */
function fetchFromPage(url: string, init: { method: string; headers: Record<string, string>; body?: string }, names: string[]) {
  return page.evaluate(
    async ({ url, init, names }) => {
      const res = await fetch(url, init);
      return { status: res.status, headers: Object.fromEntries(names.map((name) => [name, res.headers.get(name)])) };
    },
    { url, init, names },
  );
}

test("a team key over its daily quota: the page reads Retry-After and x-should-retry: false (so a browser SDK does not retry in vain)", async () => {
  const created = await fetch(`${stack.proxy.url}/admin/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "web-app", daily_tokens: 5 }),
  });
  const { key } = await created.json();
  const chat = { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ model: "grok-4", messages: [{ role: "user", content: "hi" }] }) };
  expect((await fetchFromPage(`${stack.baseURL}/chat/completions`, chat, [])).status).toBe(200);

  const refused = await fetchFromPage(`${stack.baseURL}/chat/completions`, chat, ["retry-after", "x-should-retry"]);
  expect(refused.status).toBe(429);
  expect(refused.headers["x-should-retry"]).toBe("false");
  expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
});

test("a wrong method: the page reads Allow", async () => {
  const res = await fetchFromPage(`${stack.baseURL}/chat/completions`, { method: "GET", headers: { authorization: `Bearer ${stack.apiKey}` } }, ["allow"]);
  expect(res).toEqual({ status: 405, headers: { allow: "POST" } });
});
