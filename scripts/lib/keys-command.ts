/**
 * `ociai-proxy keys …`: manages team keys on a running proxy through its admin API.
 *
 *   ociai-proxy keys create --name data-team --models grok-4,llama-4 --rpm 60 --daily-tokens 2000000
 *   ociai-proxy keys list
 *   ociai-proxy keys revoke key_5f0c2a9e13b7d480
 *
 * The new key goes alone to stdout (so `KEY=$(ociai-proxy keys create --name x)` works);
 * everything else to stderr. It is shown this once: the proxy keeps only its hash.
 */

export const KEYS_USAGE = `Usage: ociai-proxy keys <command> [flags]

Commands:
  create --name NAME [--models a,b] [--rpm N] [--tpm N] [--daily-tokens N] [--expires-at TIME]
                      create a key and print it (shown only this once)
  list                every key with its limits and usage
  show ID             one key's settings and usage (per model, today and in total)
  update ID [--name NAME] [--models a,b|all] [--rpm N|none] [--tpm N|none]
            [--daily-tokens N|none] [--expires-at TIME|none]
                      change a key's settings
  revoke ID           revoke a key at once, for good

Flags:
  --url URL           the proxy (default $OCIAI_PROXY_URL or http://127.0.0.1:8080)
  --admin-key KEY     the proxy's api_key (default $OCIAI_ADMIN_KEY; prefer the variable:
                      flags show up in the process list)
  --json              print the API's JSON instead of text
  TIME is ISO 8601: 2026-01-31 or 2026-01-31T18:00:00Z.`;

export interface KeysCommandIo {
  env: NodeJS.ProcessEnv;
  stdout(text: string): void;
  stderr(text: string): void;
  fetch?: typeof fetch;
}

interface Parsed {
  command: string;
  id?: string;
  flags: Map<string, string | true>;
}

class UsageError extends Error {}

const VALUE_FLAGS = new Set(["url", "admin-key", "name", "models", "rpm", "tpm", "daily-tokens", "expires-at"]);
const SWITCHES = new Set(["json", "help", "h"]);
const SETTING_FLAGS = ["name", "models", "rpm", "tpm", "daily-tokens", "expires-at"];

/**
 * Runs `ociai-proxy keys <argv…>` and returns the exit code (0 ok, 1 failed, 2 bad usage).
 *
 * @example
 *   process.exitCode = await runKeysCommand(process.argv.slice(3), {
 *     env: process.env, stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t),
 *   });
 */
export async function runKeysCommand(argv: readonly string[], io: KeysCommandIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (err) {
    io.stderr(`ociai-proxy keys: ${(err as Error).message}\n\n${KEYS_USAGE}\n`);
    return 2;
  }
  if (parsed.flags.has("help") || parsed.flags.has("h") || parsed.command === "help") {
    io.stdout(KEYS_USAGE + "\n");
    return 0;
  }
  const base = String(parsed.flags.get("url") ?? io.env.OCIAI_PROXY_URL ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
  const adminKey = parsed.flags.get("admin-key") ?? io.env.OCIAI_ADMIN_KEY;
  if (typeof adminKey !== "string" || adminKey === "") {
    io.stderr("ociai-proxy keys: no admin key: set OCIAI_ADMIN_KEY to the proxy's api_key (or pass --admin-key)\n");
    return 2;
  }
  const json = parsed.flags.has("json");
  const call = (method: string, path: string, body?: unknown) => request(io.fetch ?? fetch, base, adminKey, method, path, body);

  try {
    switch (parsed.command) {
      case "create": {
        const created = await call("POST", "/admin/keys", settingsBody(parsed.flags, true));
        if (json) io.stdout(JSON.stringify(created, null, 2) + "\n");
        else {
          io.stderr(`Created ${created.id} "${created.name}" (${limitsText(created)}). The key is shown only this once:\n`);
          io.stdout(`${created.key}\n`);
        }
        return 0;
      }
      case "list": {
        const list = await call("GET", "/admin/keys");
        io.stdout(json ? JSON.stringify(list, null, 2) + "\n" : listText(list.data));
        return 0;
      }
      case "show": {
        const key = await call("GET", `/admin/keys/${encodeURIComponent(parsed.id!)}`);
        io.stdout(json ? JSON.stringify(key, null, 2) + "\n" : showText(key));
        return 0;
      }
      case "update": {
        const key = await call("PATCH", `/admin/keys/${encodeURIComponent(parsed.id!)}`, settingsBody(parsed.flags, false));
        if (json) io.stdout(JSON.stringify(key, null, 2) + "\n");
        else io.stderr(`Updated ${key.id} "${key.name}" (${limitsText(key)}).\n`);
        return 0;
      }
      case "revoke": {
        const key = await call("DELETE", `/admin/keys/${encodeURIComponent(parsed.id!)}`);
        if (json) io.stdout(JSON.stringify(key, null, 2) + "\n");
        else io.stderr(`Revoked ${key.id} "${key.name}" at ${key.revoked_at}.\n`);
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`ociai-proxy keys: ${err.message}\n`);
      return 2;
    }
    io.stderr(`ociai-proxy keys: ${(err as Error).message}\n`);
    return 1;
  }
  return 2; // unreachable: parse() knows the commands
}

function parse(argv: readonly string[]): Parsed {
  const flags = new Map<string, string | true>();
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const match = /^--?([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!match) {
      words.push(argv[i]);
      continue;
    }
    const [, name, inline] = match;
    if (SWITCHES.has(name)) flags.set(name, true);
    else if (VALUE_FLAGS.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      flags.set(name, value);
    } else throw new Error(`unknown flag --${name}`);
  }
  const [command = "help", id, ...rest] = words;
  if (rest.length > 0) throw new Error(`unexpected argument "${rest[0]}"`);
  if (!["create", "list", "show", "update", "revoke", "help"].includes(command)) throw new Error(`unknown command "${command}"`);
  const needsId = command === "show" || command === "update" || command === "revoke";
  if (needsId && !id) throw new Error(`${command} needs a key id (see: ociai-proxy keys list)`);
  if (!needsId && id !== undefined) throw new Error(`unexpected argument "${id}"`);
  const settingFlags = SETTING_FLAGS.filter((f) => flags.has(f));
  if (command !== "create" && command !== "update" && settingFlags.length > 0) throw new Error(`--${settingFlags[0]} only goes with create or update`);
  if (command === "create" && !flags.has("name")) throw new Error("create needs --name");
  if (command === "update" && settingFlags.length === 0) throw new Error(`update needs at least one of ${SETTING_FLAGS.map((f) => `--${f}`).join(", ")}`);
  return { command, id, flags };
}

/** The flags as an admin API body. Numbers stay as typed (the API says what is wrong with them); "none"/"all" clear. */
function settingsBody(flags: Map<string, string | true>, creating: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const clears = (value: string, word: string) => !creating && value.toLowerCase() === word;
  for (const flag of SETTING_FLAGS) {
    const value = flags.get(flag);
    if (typeof value !== "string") continue;
    const field = flag.replace("-", "_");
    if (flag === "name") body.name = value;
    else if (flag === "models") body.models = clears(value, "all") ? null : value.split(",").map((m) => m.trim()).filter(Boolean);
    else if (flag === "expires-at") body.expires_at = clears(value, "none") ? null : value;
    else body[field] = clears(value, "none") ? null : /^\d+$/.test(value) ? Number(value) : value;
  }
  return body;
}

async function request(fetchFn: typeof fetch, base: string, adminKey: string, method: string, path: string, body?: unknown): Promise<any> {
  let res: Response;
  try {
    res = await fetchFn(base + path, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new Error(`cannot reach the proxy at ${base}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
  }
  const text = await res.text();
  let parsed: any;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    throw new Error(`${method} ${path}: ${res.status} with a body that is not JSON (is ${base} the proxy?)`);
  }
  if (!res.ok) {
    const message = parsed?.error?.message ?? res.statusText;
    const hint = res.status === 401 ? " (is OCIAI_ADMIN_KEY the proxy's api_key?)" : "";
    throw new Error(`${res.status} ${printable(String(message))}${hint}`);
  }
  return parsed;
}

type KeyJson = {
  id: string;
  name: string;
  status: string;
  models: string[] | null;
  rpm: number | null;
  tpm: number | null;
  daily_tokens: number | null;
  expires_at: string | null;
  key_hint: string;
  created_at: string;
  revoked_at: string | null;
  usage: {
    requests: number;
    total_tokens: number;
    prompt_tokens: number;
    completion_tokens: number;
    today: { date: string; requests: number; total_tokens: number };
    last_minute: { requests: number; tokens: number };
    models: Record<string, { requests: number; total_tokens: number; today: { requests: number; total_tokens: number } }>;
    last_used_at: string | null;
  };
};

function limitsText(key: KeyJson): string {
  const parts = [`models: ${key.models ? key.models.join(", ") : "all"}`];
  if (key.rpm !== null) parts.push(`rpm ${key.rpm}`);
  if (key.tpm !== null) parts.push(`tpm ${key.tpm}`);
  if (key.daily_tokens !== null) parts.push(`daily tokens ${key.daily_tokens}`);
  if (key.expires_at !== null) parts.push(`expires ${key.expires_at}`);
  return parts.join("; ");
}

const limit = (n: number | null) => (n === null ? "-" : String(n));
/** Names come from the API; never let one move the cursor or colour the terminal. */
const printable = (text: string) => text.replace(/\p{Cc}/gu, "?");

function listText(keys: KeyJson[]): string {
  if (keys.length === 0) return "No keys yet. Create one: ociai-proxy keys create --name NAME\n";
  const rows = [
    ["ID", "NAME", "STATUS", "MODELS", "RPM", "TPM", "DAILY", "REQUESTS", "TOKENS TODAY", "LAST USED"],
    ...keys.map((k) => [
      k.id,
      printable(k.name),
      k.status,
      k.models ? k.models.join(",") : "all",
      limit(k.rpm),
      limit(k.tpm),
      limit(k.daily_tokens),
      String(k.usage.requests),
      String(k.usage.today.total_tokens),
      k.usage.last_used_at ?? "never",
    ]),
  ];
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  return rows.map((row) => row.map((cell, col) => cell.padEnd(widths[col])).join("  ").trimEnd()).join("\n") + "\n";
}

function showText(k: KeyJson): string {
  const lines = [
    `${k.id}  "${printable(k.name)}"  ${k.status}${k.revoked_at ? ` (revoked ${k.revoked_at})` : ""}`,
    `  key        ${k.key_hint}`,
    `  limits     ${limitsText(k)}`,
    `  created    ${k.created_at}`,
    `  last used  ${k.usage.last_used_at ?? "never"}`,
    `  total      ${k.usage.requests} requests, ${k.usage.prompt_tokens} prompt + ${k.usage.completion_tokens} completion tokens`,
    `  today      ${k.usage.today.requests} requests, ${k.usage.today.total_tokens} tokens (${k.usage.today.date} UTC)`,
    `  last min   ${k.usage.last_minute.requests} requests, ${k.usage.last_minute.tokens} tokens`,
  ];
  for (const [model, m] of Object.entries(k.usage.models)) {
    lines.push(`  ${printable(model)}: ${m.requests} requests, ${m.total_tokens} tokens; today ${m.today.requests} requests, ${m.today.total_tokens} tokens`);
  }
  return lines.join("\n") + "\n";
}
