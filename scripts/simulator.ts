/**
 * Runs the OCI Generative AI simulator as a standalone process.
 *
 *   npm run simulator                       # makes a key pair and prints a ready proxy config
 *   npm run simulator -- --port 9100 --accounts accounts.json [--host 127.0.0.1]
 *     [--max-concurrency K] [--response-words N] [--no-verify]
 *
 * accounts.json is an array of {tenancy, user, fingerprint, publicKeyPem} (a private key PEM in
 * publicKeyPem also works: the public half is derived). Prints the URL as the first line on
 * stdout (scripts read it), then serves until SIGTERM/SIGINT. Faults and stats:
 * POST /__sim/faults, GET /__sim/stats, POST /__sim/reset.
 */
import { createPublicKey } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { generateTestAccount, startSimulator, type SimulatorAccount } from "../test/simulator";

const USAGE = `usage: npm run simulator -- [--port 9100] [--accounts accounts.json] [--host 127.0.0.1]
                         [--max-concurrency K] [--response-words N] [--no-verify] [--config-dir DIR]

Without --accounts, a throwaway key pair and a proxy config for it are written to .simulator/
(or --config-dir).
accounts.json: [{"tenancy": "...", "user": "...", "fingerprint": "...", "publicKeyPem": "-----BEGIN PUBLIC KEY-----..."}]`;

/** A problem the user can fix: one line on stderr, no stack trace. */
class UsageError extends Error {}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: "string", default: "9100" },
        host: { type: "string", default: "127.0.0.1" },
        accounts: { type: "string" },
        "max-concurrency": { type: "string" },
        "response-words": { type: "string" },
        "no-verify": { type: "boolean", default: false },
        "config-dir": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = integerOption("--port", values.port, 0);
  const maxConcurrency = values["max-concurrency"] === undefined ? undefined : integerOption("--max-concurrency", values["max-concurrency"], 1);
  const responseWords = values["response-words"] === undefined ? undefined : integerOption("--response-words", values["response-words"], 1);
  const generated = values.accounts ? undefined : generateTestAccount();
  const accounts = values.accounts ? readAccounts(values.accounts) : [generated!.account];

  let sim;
  try {
    sim = await startSimulator({ port, host: values.host, accounts, verifySignatures: !values["no-verify"], maxConcurrency, responseWords });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new UsageError(`port ${port} is already in use; pass --port (0 = any free port)`);
    throw err;
  }
  process.stdout.write(`${sim.url}\n`);
  process.stderr.write(`oci simulator: ${accounts.length} account(s), signatures ${values["no-verify"] ? "not " : ""}verified\n`);
  if (generated) process.stderr.write(writeReadyConfig(sim.url, generated, values["config-dir"] ?? resolve(__dirname, "..", ".simulator")));

  const stop = (signal: string) => {
    process.stderr.write(`oci simulator: ${signal}, stopping\n`);
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

function integerOption(name: string, text: string, min: number): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= min)) throw new UsageError(`${name}: expected a whole number of at least ${min}, got "${text}"`);
  return value;
}

/** Reads and checks an accounts file; every problem is one line naming the file (and entry). */
function readAccounts(file: string): SimulatorAccount[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code}); leave out --accounts to get a generated key pair`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new UsageError(`${file}: expected a non-empty JSON array of accounts`);
  return parsed.map((entry: Record<string, unknown>, i) => {
    for (const field of ["tenancy", "user", "fingerprint", "publicKeyPem"]) {
      if (typeof entry?.[field] !== "string" || entry[field] === "") throw new UsageError(`${file}: account [${i}] needs "${field}" (a string)`);
    }
    try {
      createPublicKey(entry.publicKeyPem as string);
    } catch {
      throw new UsageError(`${file}: account [${i}] publicKeyPem is not a PEM key`);
    }
    return entry as unknown as SimulatorAccount;
  });
}

/** Writes the key and a config for the proxy into `dir`; returns what to tell the user. */
function writeReadyConfig(url: string, { account, privateKeyPem }: ReturnType<typeof generateTestAccount>, dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "sim_key.pem"), privateKeyPem, { mode: 0o600 });
  const configFile = join(dir, "config.conf");
  writeFileSync(
    configFile,
    `[DEFAULT]
# A throwaway account the simulator at ${url} knows (it verifies every signature with it).
user = ${account.user}
fingerprint = ${account.fingerprint}
key_file = ./sim_key.pem
tenancy = ${account.tenancy}
region = us-chicago-1
endpoint = ${url}
api_key = auto_generated_key

[MODELS]
grok-4 = xai.grok-4
llama-3.3-70b = meta.llama-3.3-70b-instruct
command-a = cohere.command-a-03-2025
embed-english = cohere.embed-english-v3.0
`,
  );
  const shown = relative(process.cwd(), configFile) || configFile;
  return `oci simulator: wrote a key pair and a proxy config for it; in another terminal:\n  npx ociai-proxy -config ${shown}\n`;
}

main().catch((err) => {
  if (err instanceof UsageError) {
    process.stderr.write(`oci simulator: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`oci simulator: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
