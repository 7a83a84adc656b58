/**
 * The processes shared by the latency and stream runs: one simulator process holding
 * three accounts, the proxy with one account (and a second copy of it with OpenTelemetry
 * tracing on, exporting to a local OTLP receiver), the proxy with a 3-account pool, the
 * minimal translating proxy and the Portkey gateway (when it works), all in front of the
 * same simulator.
 */
import { startOtlpReceiver } from "../../test/helpers/otlp-receiver";
import type { BenchContext } from "./context";
import { accountsFile, createTeamKey, makeAccounts, portkeyTarget, proxyConfig, type BenchAccount } from "./fixtures";
import { runLoad } from "./load";
import { rssMiB } from "./proc-stats";
import {
  sleep,
  startMinimalProxyProcess,
  startPortkeyProcess,
  startProxyProcess,
  startSimulatorProcess,
  type PortkeyProcess,
  type ProxyProcess,
  type SimulatorProcess,
} from "./processes";

export interface CoreStack {
  accounts: BenchAccount[];
  sim: SimulatorProcess;
  single: ProxyProcess;
  /** A team key of the one-account proxy (limits far above the bench's rates). */
  teamKey: string;
  /** The same one-account proxy with OTEL_* set: every request exported as spans. */
  traced: ProxyProcess;
  /** Spans the traced proxy exported (proof the tracing path really ran). */
  spansReceived(): number;
  pool: ProxyProcess;
  /** The baseline: the least a translating proxy does (scripts/bench/minimal-proxy.ts). */
  minimal: ProxyProcess;
  portkey?: PortkeyProcess;
  /** Why Portkey is not benchmarked, when it is not. */
  portkeyUnavailable?: string;
  /** RSS (MiB) of each gateway process (by pid) right after start-up, before any request. */
  freshRss: Map<number, number>;
  stop(): Promise<void>;
}

export async function startCoreStack(ctx: BenchContext): Promise<CoreStack> {
  const accounts = makeAccounts(ctx.dir, 3);
  const sim = await startSimulatorProcess({ accountsFile: accountsFile(ctx.dir, accounts, "core"), logDir: ctx.logDir, name: "sim-core" });
  const singleCfg = proxyConfig(ctx.dir, "core-single", [{ account: accounts[0], endpoint: sim.url }]);
  const poolCfg = proxyConfig(ctx.dir, "core-pool", accounts.map((account) => ({ account, endpoint: sim.url })));
  // Its own copy of the config: each proxy keeps team keys in a state file beside its config.
  const tracedCfg = proxyConfig(ctx.dir, "core-traced", [{ account: accounts[0], endpoint: sim.url }]);
  const receiver = await startOtlpReceiver();
  const [single, traced, pool, minimal] = await Promise.all([
    startProxyProcess({ configFile: singleCfg.file, logDir: ctx.logDir, name: "proxy-single" }),
    startProxyProcess({
      configFile: tracedCfg.file,
      logDir: ctx.logDir,
      name: "proxy-traced",
      // A queue deep enough that no span is dropped at the bench's rates (the default 2048 drops).
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf", OTEL_BSP_MAX_QUEUE_SIZE: "65536" },
    }),
    startProxyProcess({ configFile: poolCfg.file, logDir: ctx.logDir, name: "proxy-pool3", multiAccount: true }),
    startMinimalProxyProcess({
      logDir: ctx.logDir,
      dir: ctx.dir,
      upstream: sim.url,
      account: accounts[0],
    }),
  ]);

  const teamKey = await createTeamKey(single.url);

  let portkey: PortkeyProcess | undefined;
  let portkeyUnavailable: string | undefined;
  if (ctx.portkey) {
    try {
      portkey = await startPortkeyProcess({ logDir: ctx.logDir });
      // One real call decides whether Portkey's oracle provider works against the simulator.
      const probe = await runLoad(portkeyTarget(portkey.url, sim.url, accounts[0]), { concurrency: 1, requests: 3 });
      if (probe.ok !== probe.count) {
        portkeyUnavailable = `its oracle provider failed against the simulator: ${probe.firstError ?? JSON.stringify(probe.statuses)}`;
      }
    } catch (err) {
      portkeyUnavailable = `it did not start: ${(err as Error).message.split("\n")[0]}`;
    }
    if (portkeyUnavailable && portkey) {
      await portkey.stop();
      portkey = undefined;
    }
  } else {
    portkeyUnavailable = "skipped (--no-portkey)";
  }

  // Let the multi-account proxy's first background health round finish before measuring.
  await sleep(300);
  const gatewayPids = [single, traced, pool, minimal, portkey].flatMap((g) => (g ? [g.proc.pid] : []));
  const freshRss = new Map(gatewayPids.map((pid) => [pid, rssMiB(pid)]));
  await sim.reset();

  return {
    accounts,
    sim,
    single,
    teamKey,
    traced,
    spansReceived: () => receiver.spans.length,
    pool,
    minimal,
    portkey,
    portkeyUnavailable,
    freshRss,
    stop: async () => {
      await Promise.all([single.stop(), traced.stop(), pool.stop(), minimal.stop(), portkey?.stop(), sim.stop()]);
      await receiver.close();
    },
  };
}
