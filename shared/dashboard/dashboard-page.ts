import { createHash } from "node:crypto";
import { dashboardScript } from "./dashboard-script";

const STYLE = `
:root{color-scheme:light dark;--fg:#1d2330;--muted:#6b7385;--bg:#f6f7f9;--card:#fff;--line:#dde1e8;--ok:#1a7f37;--bad:#c62828;--warn:#b26a00;--s1:#2f6fdf;--s2:#d9822b;--s3:#c62828}
@media (prefers-color-scheme:dark){:root{--fg:#e6e9ef;--muted:#9aa3b5;--bg:#14171d;--card:#1c2028;--line:#2d333f;--ok:#4cc26a;--bad:#ff6b6b;--warn:#f0a444;--s1:#6ea0ff;--s2:#f0a444;--s3:#ff6b6b}}
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;gap:1rem;align-items:center;padding:.75rem 1.25rem;border-bottom:1px solid var(--line);background:var(--card)}
header h1{font-size:1.05rem;margin:0;flex:1}#updated{color:var(--muted)}main{padding:1rem 1.25rem;max-width:1280px;margin:auto}
form#login{max-width:360px;margin:4rem auto;display:grid;gap:.6rem;background:var(--card);padding:1.25rem;border:1px solid var(--line);border-radius:8px}
input,button{font:inherit;padding:.45rem .6rem;border:1px solid var(--line);border-radius:6px;background:var(--bg);color:var(--fg)}button{cursor:pointer}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:.75rem;margin-bottom:1rem}
.tile,.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.75rem}.tile .value{font-size:1.35rem;font-weight:600}.label,.axis{color:var(--muted);fill:var(--muted);font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:.75rem;margin-bottom:1rem}.card h2{font-size:.95rem;margin:0 0 .4rem}
svg{width:100%;height:auto}.grid{stroke:var(--line)}.line{fill:none;stroke-width:2}.legend{font-size:12px}
.s1{stroke:var(--s1);fill:var(--s1)}.s2{stroke:var(--s2);fill:var(--s2)}.s3{stroke:var(--s3);fill:var(--s3)}path.line{fill:none}
table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);white-space:nowrap}th{color:var(--muted);font-weight:500}
.num{text-align:right}.ok{color:var(--ok)}.bad{color:var(--bad)}.breaker.open{color:var(--bad);font-weight:600}.breaker.half_open{color:var(--warn);font-weight:600}.breaker.closed{color:var(--ok)}
.note{color:var(--muted);font-size:12px}[hidden]{display:none!important}
`;

const BODY = `
<header><h1>OCI AI Proxy</h1><span id="updated"></span><button id="logout" type="button">Forget key</button></header>
<form id="login" hidden><label for="key">API key</label><input id="key" name="key" type="password" autocomplete="current-password" required><button type="submit">Open dashboard</button><span id="login-error" class="bad"></span><span class="note">Kept in this tab only (sessionStorage) and sent as a Bearer header.</span></form>
<main id="app" hidden>
<section class="tiles" id="tiles"></section>
<section class="charts">
<div class="card"><h2>Requests per second</h2><div id="chart-rps"></div></div>
<div class="card"><h2>Latency</h2><div id="chart-latency"></div></div>
<div class="card"><h2>Time to first token (streams)</h2><div id="chart-ttft"></div></div>
</section>
<section class="card"><h2>Accounts</h2><table><thead><tr><th>account</th><th>region</th><th>health</th><th>breaker</th><th class="num">in flight / limit</th><th class="num">cooldown</th><th class="num">requests</th><th class="num">errors</th><th class="num">p95</th><th></th></tr></thead><tbody id="accounts"></tbody></table></section>
<section class="card"><h2>Tokens per model</h2><table><thead><tr><th>model</th><th class="num">prompt</th><th class="num">completion</th><th class="num">last 5 min</th></tr></thead><tbody id="tokens"></tbody></table>
<p class="note" id="scope" hidden>Serverless deployment: the accounts table and the charts come from the counters every instance shares (requests/s, failures and mean upstream latency since this page opened). Time to first token, latency percentiles and tokens per model are in the CloudWatch dashboard (AWS) or the OCI Logging request lines (OCI); this table covers the instance that answered.</p></section>
</main>`;

export interface DashboardPage {
  html: string;
  headers: Record<string, string>;
}

let page: DashboardPage | undefined;

/**
 * The dashboard page: one HTML document with its script and style inline, allowed by a
 * strict Content-Security-Policy naming their SHA-256 hashes (nothing else may run, load
 * or frame it). Built once.
 *
 * @example
 *   app.get("/dashboard", (c) => { const { html, headers } = dashboardPage(); return c.html(html, 200, headers); });
 */
export function dashboardPage(): DashboardPage {
  if (page) return page;
  const script = dashboardScript();
  const csp = [
    "default-src 'none'",
    `script-src '${sha256(script)}'`,
    `style-src '${sha256(STYLE)}'`,
    "connect-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
  page = {
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>OCI AI Proxy</title><link rel="icon" href="data:,"><style>${STYLE}</style></head><body>${BODY}<script>${script}</script></body></html>`,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": csp,
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
    },
  };
  return page;
}

function sha256(text: string): string {
  return `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;
}
