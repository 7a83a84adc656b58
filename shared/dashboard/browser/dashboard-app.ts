/**
 * The dashboard page's script (runs in the browser; bundled by esbuild into the proxy, see
 * dashboard-script.ts). Asks for the API key once per tab (sessionStorage, sent as a
 * Bearer header, never in a URL), then every 2 s reads `stats` and `stats/series` —
 * relative URLs, so it works under an API Gateway stage path — and redraws. Every value is
 * written with textContent / SVG attributes: nothing from the server is parsed as HTML.
 */

import type { SeriesView } from "../../metrics/request-series";
import { SharedTotalsHistory, type ChartSeries } from "./shared-totals-series";

const KEY_STORAGE = "ociai-dashboard-key";
const REFRESH_MS = 2_000;
const WINDOW_S = 300;

interface AccountView {
  id: string;
  region: string;
  enabled: boolean;
  healthy: boolean;
  health_reason: string | null;
  max_concurrency: number | null;
  in_flight: number;
  breaker: "closed" | "open" | "half_open";
  cooling_down_until: string | null;
  requests: number;
  successes: number;
  failures: number;
  rate_limited: number;
  avg_latency_ms: number | null;
  p95_latency_ms: number | null;
  last_error: { kind: string; message: string } | null;
}

interface StatsView {
  accounts: AccountView[];
  concurrency: { global: { in_flight: number; limit: number | null } };
  queue: { length: number; capacity: number };
}



/** Serverless: the charts come from the shared account counters (see SharedTotalsHistory). */
const sharedTotals = new SharedTotalsHistory();

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let timer: number | undefined;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string | number | null, className?: string): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (text !== undefined && text !== null) el.textContent = String(text);
  if (className) el.className = className;
  return el;
}

function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "–";
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

function showLogin(message?: string): void {
  clearTimeout(timer);
  $("app").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message ?? "";
  $<HTMLInputElement>("key").focus();
}

async function getJson<T>(path: string, key: string, init?: RequestInit): Promise<T | "unauthorized"> {
  const res = await fetch(new URL(path, location.href), { ...init, headers: { authorization: `Bearer ${key}` }, cache: "no-store" });
  if (res.status === 401) return "unauthorized";
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

async function refresh(): Promise<void> {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) return showLogin();
  try {
    const [stats, series] = await Promise.all([getJson<StatsView>("stats", key), getJson<SeriesView>(`stats/series?window=${WINDOW_S}`, key)]);
    if (stats === "unauthorized" || series === "unauthorized") {
      sessionStorage.removeItem(KEY_STORAGE);
      return showLogin("That key was refused.");
    }
    $("login").hidden = true;
    $("app").hidden = false;
    render(stats, series, key);
    $("updated").textContent = `updated ${new Date().toLocaleTimeString()}`;
    $("updated").className = "";
  } catch (err) {
    $("updated").textContent = `update failed: ${(err as Error).message}`;
    $("updated").className = "bad";
  }
  timer = window.setTimeout(refresh, REFRESH_MS);
}

function render(stats: StatsView, series: SeriesView, key: string): void {
  const serverless = series.scope === "instance";
  if (serverless) sharedTotals.add(Date.now(), stats.accounts);
  const chart: ChartSeries = serverless ? sharedTotals.series(REFRESH_MS) : series;
  const s = chart.summary;
  const global = stats.concurrency.global;
  setTiles([
    ["requests/s", s.rps.toFixed(2)],
    serverless ? ["upstream latency (mean)", ms(s.latency_p50_ms)] : ["latency p50 / p95", `${ms(s.latency_p50_ms)} / ${ms(s.latency_p95_ms)}`],
    ["TTFT p50 / p95", serverless ? "–" : `${ms(s.ttft_p50_ms)} / ${ms(s.ttft_p95_ms)}`],
    ["in flight", global.limit ? `${global.in_flight} / ${global.limit}` : String(global.in_flight)],
    ["queue", `${stats.queue.length} / ${stats.queue.capacity}`],
  ]);
  renderAccounts(stats.accounts, key);
  lineChart($("chart-rps"), chart.t, [
    { values: chart.rps, className: "s1", label: "requests/s" },
    { values: chart.failed.map((f) => f / (chart.interval_ms / 1000)), className: "s3", label: "failed/s" },
  ]);
  lineChart(
    $("chart-latency"),
    chart.t,
    serverless
      ? [{ values: chart.latency_p50_ms, className: "s1", label: "mean ms" }]
      : [
          { values: chart.latency_p50_ms, className: "s1", label: "p50 ms" },
          { values: chart.latency_p95_ms, className: "s2", label: "p95 ms" },
        ],
  );
  lineChart($("chart-ttft"), chart.t, [
    { values: chart.ttft_p50_ms, className: "s1", label: "p50 ms" },
    { values: chart.ttft_p95_ms, className: "s2", label: "p95 ms" },
  ]);
  const tokens = $("tokens");
  tokens.replaceChildren(
    ...series.tokens.map((t) => {
      const row = element("tr");
      row.dataset.model = t.model;
      row.append(element("td", t.model), element("td", t.prompt, "num"), element("td", t.completion, "num"), element("td", t.window_prompt + t.window_completion, "num"));
      return row;
    }),
  );
  $("scope").hidden = !serverless;
}

function setTiles(tiles: [string, string][]): void {
  $("tiles").replaceChildren(
    ...tiles.map(([label, value]) => {
      const tile = element("div", null, "tile");
      tile.append(element("div", value, "value"), element("div", label, "label"));
      return tile;
    }),
  );
}

function renderAccounts(accounts: AccountView[], key: string): void {
  const now = Date.now();
  $("accounts").replaceChildren(
    ...accounts.map((a) => {
      const row = element("tr");
      row.dataset.account = a.id;
      const health = element("td", a.enabled ? (a.healthy ? "healthy" : "unhealthy") : "disabled", a.healthy && a.enabled ? "ok" : "bad");
      if (a.health_reason) health.title = a.health_reason;
      const breaker = element("td", a.breaker.replace("_", "-"), `breaker ${a.breaker}`);
      const cooldownMs = a.cooling_down_until ? Date.parse(a.cooling_down_until) - now : 0;
      const errors = element("td", a.failures + a.rate_limited, "num");
      if (a.last_error) errors.title = `${a.last_error.kind}: ${a.last_error.message}`;
      const action = element("td");
      if (a.breaker !== "closed") {
        const reset = element("button", "reset breaker");
        reset.addEventListener("click", () => void resetBreaker(a.id, key));
        action.append(reset);
      }
      row.append(
        element("td", a.id, "id"),
        element("td", a.region),
        health,
        breaker,
        element("td", `${a.in_flight} / ${a.max_concurrency ?? "∞"}`, "num"),
        element("td", cooldownMs > 0 ? `${Math.ceil(cooldownMs / 1000)} s` : "–", "num"),
        element("td", a.requests, "num"),
        errors,
        element("td", ms(a.p95_latency_ms), "num"),
        action,
      );
      return row;
    }),
  );
}

async function resetBreaker(account: string, key: string): Promise<void> {
  await getJson(`admin/circuit-breaker/reset?account=${encodeURIComponent(account)}`, key, { method: "POST" });
  clearTimeout(timer);
  await refresh();
}

const SVG = "http://www.w3.org/2000/svg";
const W = 480;
const H = 150;
const PAD = { left: 44, right: 8, top: 10, bottom: 20 };

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Lines over time; gaps where a value is null (no request in that interval). */
function lineChart(host: HTMLElement, t: number[], lines: { values: (number | null)[]; className: string; label: string }[]): void {
  const values = lines.flatMap((l) => l.values.filter((v): v is number => v !== null));
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
  if (!values.some((v) => v > 0)) {
    chart.append(svg("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "axis" }, "no data in the last minutes"));
    host.replaceChildren(chart);
    return;
  }
  const top = niceCeiling(Math.max(...values));
  const x = (i: number) => PAD.left + (i / Math.max(1, t.length - 1)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / top) * (H - PAD.top - PAD.bottom);
  for (const frac of [0, 0.5, 1]) {
    chart.append(svg("line", { x1: PAD.left, x2: W - PAD.right, y1: y(top * frac), y2: y(top * frac), class: "grid" }));
    chart.append(svg("text", { x: PAD.left - 4, y: y(top * frac) + 4, "text-anchor": "end", class: "axis" }, formatAxis(top * frac)));
  }
  chart.append(svg("text", { x: PAD.left, y: H - 4, class: "axis" }, `-${Math.round((t.length * (t[1] - t[0] || 2000)) / 60_000)} min`));
  chart.append(svg("text", { x: W - PAD.right, y: H - 4, "text-anchor": "end", class: "axis" }, "now"));
  lines.forEach((line, n) => {
    let d = "";
    let pen = false;
    line.values.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    chart.append(svg("path", { d, class: `line ${line.className}` }));
    chart.append(svg("text", { x: PAD.left + 6 + n * 90, y: PAD.top + 8, class: `legend ${line.className}` }, line.label));
  });
  host.replaceChildren(chart);
}

function niceCeiling(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (v <= step * power) return step * power;
  return 10 * power;
}

function formatAxis(v: number): string {
  if (v >= 1000) return `${(v / 1000).toFixed(v >= 10_000 ? 0 : 1)}k`;
  return v >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(1);
}

$("login").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = $<HTMLInputElement>("key");
  const key = input.value.trim();
  input.value = "";
  if (!key) return;
  sessionStorage.setItem(KEY_STORAGE, key);
  clearTimeout(timer);
  void refresh();
});
$("logout").addEventListener("click", () => {
  sessionStorage.removeItem(KEY_STORAGE);
  showLogin();
});
void refresh();
