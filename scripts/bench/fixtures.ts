/**
 * Throwaway OCI identities, proxy config files and request targets for the benchmarks.
 *
 * @example
 *   const accounts = makeAccounts(dir, 3);
 *   const sim = await startSimulatorProcess({ accountsFile: accountsFile(dir, accounts), logDir: dir });
 *   const floor = floorTarget(sim.url, accounts[0]);
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateTestAccount, keyIdOf, signRequestHeaders, type SimulatorAccount } from "../../test/simulator";
import { writeConfig, type ConfigSpec } from "../../test/helpers/write-config";
import type { Target } from "./load";

export const API_KEY = "sk-bench-0123456789abcdef0123456789";
export const MODEL = "grok-4";
export const OCI_MODEL = "xai.grok-4";
export const MAX_TOKENS = 64;
const PROMPT = "Say hello to the benchmark";

export interface BenchAccount {
  account: SimulatorAccount;
  keyFile: string;
  privateKeyPem: string;
  /** Parsed once: the floor signs with it on every request. */
  key: KeyObject;
  keyId: string;
}

let accountsMade = 0;

/** `count` fresh RSA-2048 identities with their key files under `dir`. */
export function makeAccounts(dir: string, count: number): BenchAccount[] {
  const out: BenchAccount[] = [];
  for (let i = 0; i < count; i++) {
    const n = ++accountsMade;
    const { account, privateKeyPem } = generateTestAccount({ tenancy: `ocid1.tenancy.oc1..bench${n}`, user: `ocid1.user.oc1..bench${n}` });
    const keyFile = join(dir, `key-${n}.pem`);
    writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
    out.push({ account, keyFile, privateKeyPem, key: createPrivateKey(privateKeyPem), keyId: keyIdOf(account) });
  }
  return out;
}

/** The simulator's `--accounts` file for these identities. */
export function accountsFile(dir: string, accounts: BenchAccount[], name: string): string {
  const file = join(dir, `accounts-${name}.json`);
  writeFileSync(file, JSON.stringify(accounts.map((a) => a.account)));
  return file;
}

export interface ProxyAccountSpec {
  account: BenchAccount;
  endpoint: string;
  maxConcurrency?: number;
}

/** Writes a proxy config: single mode for one account, multi mode otherwise (or when asked). */
export function proxyConfig(
  dir: string,
  name: string,
  accounts: ProxyAccountSpec[],
  opts: { multi?: boolean; settings?: ConfigSpec["settings"]; breaker?: ConfigSpec["breaker"] } = {},
): { file: string; multi: boolean } {
  const multi = opts.multi ?? accounts.length > 1;
  const spec: ConfigSpec = {
    mode: multi ? "multi" : "single",
    apiKey: API_KEY,
    settings: opts.settings,
    breaker: opts.breaker,
    models: { [MODEL]: OCI_MODEL },
    accounts: accounts.map((a, i) => ({
      section: multi ? `ACCOUNT_${i + 1}` : "DEFAULT",
      keys: {
        ...(multi ? { id: `bench${i + 1}` } : {}),
        user: a.account.account.user,
        fingerprint: a.account.account.fingerprint,
        key_file: a.account.keyFile,
        tenancy: a.account.account.tenancy,
        region: "us-chicago-1",
        endpoint: a.endpoint,
        ...(multi && a.maxConcurrency ? { max_concurrency: a.maxConcurrency } : {}),
      },
    })),
  };
  return { file: writeConfig(dir, spec, `${name}.conf`), multi };
}

const openAIBody = (model: string, stream: boolean) =>
  JSON.stringify({
    model,
    max_tokens: MAX_TOKENS,
    stream,
    ...(stream ? { stream_options: { include_usage: true } } : {}),
    messages: [{ role: "user", content: PROMPT }],
  });

/** The OCI ChatDetails the proxy sends for {@link openAIBody} (same prompt, tokens, model). */
function ociBody(compartmentId: string, stream: boolean): string {
  return JSON.stringify({
    compartmentId,
    servingMode: { servingType: "ON_DEMAND", modelId: OCI_MODEL },
    chatRequest: {
      apiFormat: "GENERIC",
      messages: [{ role: "USER", content: [{ type: "TEXT", text: PROMPT }] }],
      maxTokens: MAX_TOKENS,
      isStream: stream,
      ...(stream ? { streamOptions: { isIncludeUsage: true } } : {}),
    },
  });
}

/** The baseline path's name in tables and charts. */
export const DIRECT = "direct to OCI (no gateway)";

/** The floor: a hand-signed request straight to the simulator (key parsed once), named {@link DIRECT}. */
export function floorTarget(simUrl: string, account: BenchAccount, stream = false, name = DIRECT): Target {
  const url = `${simUrl}/20231130/actions/chat`;
  const body = ociBody(account.account.tenancy, stream);
  return {
    name,
    origin: simUrl,
    path: "/20231130/actions/chat",
    stream,
    make: () => ({ headers: signRequestHeaders("POST", url, body, { keyId: account.keyId, privateKey: account.key }), body }),
  };
}

/** An OpenAI chat completion through the proxy (with the admin key, or `apiKey`: a team key). */
export function proxyTarget(proxyUrl: string, name: string, stream = false, apiKey = API_KEY): Target {
  const body = openAIBody(MODEL, stream);
  const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
  return { name, origin: proxyUrl, path: "/v1/chat/completions", stream, streamEndMarker: stream ? "[DONE]" : undefined, make: () => ({ headers, body }) };
}

/**
 * The same turn through the proxy's other front doors (same prompt, tokens, model, same
 * process): what they add over chat completions is the cost of their translation.
 */
export function frontDoorTargets(proxyUrl: string, stream = false): Target[] {
  const responses = JSON.stringify({ model: MODEL, max_output_tokens: MAX_TOKENS, stream, store: false, input: PROMPT });
  const messages = JSON.stringify({ model: MODEL, max_tokens: MAX_TOKENS, stream, messages: [{ role: "user", content: PROMPT }] });
  return [
    {
      name: "proxy, 1 account, /v1/responses",
      origin: proxyUrl,
      path: "/v1/responses",
      stream,
      streamEndMarker: stream ? "response.completed" : undefined,
      make: () => ({ headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" }, body: responses }),
    },
    {
      name: "proxy, 1 account, /v1/messages",
      origin: proxyUrl,
      path: "/v1/messages",
      stream,
      streamEndMarker: stream ? "message_stop" : undefined,
      make: () => ({ headers: { "x-api-key": API_KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" }, body: messages }),
    },
  ];
}

/**
 * The same call through the Portkey gateway's `oracle` provider: credentials travel in
 * `x-portkey-oracle-*` headers on every request (Portkey signs per request and re-imports
 * the key each time); `x-portkey-custom-host` points it at the simulator.
 */
export function portkeyTarget(portkeyUrl: string, simUrl: string, account: BenchAccount, stream = false): Target {
  const body = openAIBody(OCI_MODEL, stream);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-portkey-provider": "oracle",
    "x-portkey-custom-host": simUrl,
    "x-portkey-oracle-region": "us-chicago-1",
    "x-portkey-oracle-tenancy": account.account.tenancy,
    "x-portkey-oracle-user": account.account.user,
    "x-portkey-oracle-fingerprint": account.account.fingerprint,
    // Header values cannot hold newlines; Portkey strips all whitespace from the PEM anyway.
    "x-portkey-oracle-private-key": account.privateKeyPem.trim().replace(/\s*\n\s*/g, " "),
    "x-portkey-oracle-compartment-id": account.account.tenancy,
  };
  return { name: "Portkey gateway 1.15.2", origin: portkeyUrl, path: "/v1/chat/completions", stream, streamEndMarker: stream ? "[DONE]" : undefined, make: () => ({ headers, body }) };
}

/**
 * Creates a team key on a running proxy through its admin API, limited the way a platform
 * team would limit one (its model, rpm, tpm, daily tokens) but far above the bench's rates,
 * so every request goes through admission and usage counting and none is refused.
 */
export async function createTeamKey(proxyUrl: string): Promise<string> {
  const res = await fetch(`${proxyUrl}/admin/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", models: [MODEL], rpm: 10_000_000, tpm: 1_000_000_000, daily_tokens: 1_000_000_000_000 }),
  });
  const json = (await res.json()) as { key?: string };
  if (res.status !== 201 || !json.key) throw new Error(`POST /admin/keys answered ${res.status}: ${JSON.stringify(json)}`);
  return json.key;
}
