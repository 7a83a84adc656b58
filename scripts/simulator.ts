/**
 * Runs the OCI Generative AI simulator as a standalone process.
 *
 *   tsx scripts/simulator.ts --port 9100 --accounts accounts.json [--host 127.0.0.1]
 *     [--max-concurrency K] [--response-words N] [--no-verify]
 *
 * accounts.json is an array of {tenancy, user, fingerprint, publicKeyPem} (a private key PEM in
 * publicKeyPem also works: the public half is derived). Prints the URL on stdout, then serves
 * until SIGTERM/SIGINT. Faults and stats: POST /__sim/faults, GET /__sim/stats, POST /__sim/reset.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { startSimulator, type SimulatorAccount } from "../test/simulator";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "9100" },
      host: { type: "string", default: "127.0.0.1" },
      accounts: { type: "string" },
      "max-concurrency": { type: "string" },
      "response-words": { type: "string" },
      "no-verify": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help || !values.accounts) {
    process.stderr.write(
      "usage: tsx scripts/simulator.ts --port 9100 --accounts accounts.json [--host H] [--max-concurrency K] [--response-words N] [--no-verify]\n",
    );
    process.exit(values.help ? 0 : 2);
  }
  const accounts = JSON.parse(readFileSync(values.accounts, "utf8")) as SimulatorAccount[];
  if (!Array.isArray(accounts)) throw new Error(`${values.accounts}: expected a JSON array of accounts`);

  const sim = await startSimulator({
    port: Number(values.port),
    host: values.host,
    accounts,
    verifySignatures: !values["no-verify"],
    maxConcurrency: values["max-concurrency"] ? Number(values["max-concurrency"]) : undefined,
    responseWords: values["response-words"] ? Number(values["response-words"]) : undefined,
  });
  process.stdout.write(`${sim.url}\n`);
  process.stderr.write(`oci simulator: ${accounts.length} account(s), signatures ${values["no-verify"] ? "not " : ""}verified\n`);

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

main().catch((err) => {
  process.stderr.write(`oci simulator: ${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
