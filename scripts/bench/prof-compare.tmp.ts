import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { accountsFile, makeAccounts, MODEL, OCI_MODEL, proxyConfig, proxyTarget } from "./fixtures";
import { closePools, runLoad } from "./load";
import { installCleanup, PROXY_CLI, startMinimalProxyProcess, startProxyProcess, startSimulatorProcess, stopAll } from "./processes";
import { SourceMapIndex } from "./source-map";

const dir = "/tmp/prof";
async function main() {
  installCleanup();
  const accounts = makeAccounts(dir, 1);
  const sim = await startSimulatorProcess({ accountsFile: accountsFile(dir, accounts, "p"), logDir: dir, name: "sim" });
  const cfg = proxyConfig(dir, "p", [{ account: accounts[0], endpoint: sim.url }]);
  const prof = (name: string) => ["--cpu-prof", "--cpu-prof-dir", join(dir, name), "--cpu-prof-interval", "100"];
  const proxy = await startProxyProcess({ configFile: cfg.file, logDir: dir, name: "proxy", nodeArgs: prof("proxy") });
  const minimal = await startMinimalProxyProcess({ logDir: dir, dir, upstream: sim.url, keyFile: accounts[0].keyFile, keyId: accounts[0].keyId, compartment: accounts[0].account.tenancy, models: { [MODEL]: OCI_MODEL }, nodeArgs: prof("minimal") });
  const counts: Record<string, number> = {};
  for (const [name, url] of [["proxy", proxy.url], ["minimal", minimal.url]] as const) {
    await runLoad(proxyTarget(url, name), { concurrency: 8, durationMs: 1000 });
    const r = await runLoad(proxyTarget(url, name), { concurrency: 8, durationMs: 8000 });
    counts[name] = r.count + 0;
    console.log(name, r.count, "requests", r.ok, "ok", r.firstError, JSON.stringify(r.statuses));
  }
  await proxy.stop();
  await minimal.stop();
  await sim.stop();
  await closePools();
  await stopAll();
  console.log(JSON.stringify(counts));
  require("node:fs").writeFileSync(join(dir, "counts.json"), JSON.stringify(counts));
}
main();
