import { serve, type ServerType } from "@hono/node-server";
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { probeAccounts } from "../chat/probe-account";
import type { ProxyConfig } from "../config/types";
import { createApp } from "../http/create-app";
import type { Logger } from "../log/logger";
import { createAccounts } from "../pool/create-accounts";
import { AccountPool } from "../pool/account-pool";
import { HealthChecker } from "../pool/health-checker";
import type { TeamKeys } from "../keys/team-keys";
import { stateFileFor } from "../state/file-state-store";
import { startTracing } from "../tracing/start-tracing";
import { openTeamKeys } from "./open-team-keys";

export interface RunningProxy {
  url: string;
  port: number;
  pool: AccountPool;
  teamKeys: TeamKeys;
  /** The file team keys are kept in (undefined: memory only). */
  stateFile: string | undefined;
  /**
   * Stops accepting connections and waits for in-flight requests (streams included) to
   * finish, up to `graceMs`; then cuts whatever is left, waits (briefly) for those
   * requests to write their log lines, and writes team keys' usage to the state file.
   */
  close(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  config: ProxyConfig;
  logger: Logger;
  port: number;
  host?: string;
  /**
   * Probe the account(s) once at start-up and log the result, so placeholder credentials show
   * now rather than at the first request (default true). Multi-account mode keeps probing
   * every health_check_interval.
   */
  startupCheck?: boolean;
  /** Where the standard OTEL_* variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Where team keys (hashes only) and their usage are kept: default the state file beside
   * the config (`config.conf` → `config.state.json`); false keeps them in memory.
   */
  stateFile?: string | false;
  /** How long the cached view of team keys is trusted (OCIAI_STATE_CACHE_MS; default 1000). */
  stateCacheMs?: number;
}

/** A client must start sending its headers within this long of connecting (or of its last request). */
const HEADERS_TIMEOUT_MS = 10_000;
/** A kept-alive connection idle this long after a response is closed (Node's default, made explicit). */
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** Cut requests write their log lines within this long of being cut. */
const LOG_FLUSH_MS = 2_000;

/** Builds the accounts and the app, and serves it over node:http. */
export async function startProxy(options: StartOptions): Promise<RunningProxy> {
  const { config, logger, port, host = "0.0.0.0", startupCheck = true, env = process.env } = options;
  const [accounts, tracer] = await Promise.all([createAccounts(config), startTracing(env, logger)]);
  const pool = new AccountPool(accounts, config.pool, config.breaker, { logger });
  const local = await openTeamKeys(options.stateFile ?? stateFileFor(config.file), { cacheMs: options.stateCacheMs, logger });
  const app = createApp({ config, pool, logger, tracer, teamKeys: local.keys });
  const health = new HealthChecker(pool, config, logger);
  const { clientTimeoutMs, maxConnections } = config.server;

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve(
      {
        fetch: app.fetch,
        port,
        hostname: host,
        serverOptions: {
          // Slow clients (slowloris): the whole request must arrive within client_timeout,
          // and Node checks these deadlines every second rather than every 30.
          requestTimeout: clientTimeoutMs,
          headersTimeout: Math.min(HEADERS_TIMEOUT_MS, clientTimeoutMs),
          keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
          connectionsCheckingInterval: 1_000,
        },
      },
      () => resolve(s),
    );
    s.once("error", reject);
  });
  const http = server as Server;
  const unused = trackUnusedConnections(http);
  if (maxConnections > 0) {
    http.maxConnections = maxConnections;
    watchDroppedConnections(http, maxConnections, logger);
  }
  const address = server.address() as AddressInfo;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;

  // Start-up checks run in the background: start-up does not wait on OCI.
  if (config.mode === "multi") {
    health.start();
    if (startupCheck) void health.checkAll().then(({ healthy, total }) => logger.info(`Healthy accounts: ${healthy}/${total}`));
  } else if (startupCheck) {
    // One account has nowhere to fail over to, so no periodic checks: one probe says whether it works.
    void probeAccounts(config, pool.accounts).then(([result]) => {
      if (result.ok) logger.info("Account check passed", { account: result.account, model: result.model, latency_ms: result.latency_ms });
      else logger.warn("Account check failed: fix the config, then check again with GET /test-oci", { account: result.account, model: result.model, error: result.error });
    });
  }

  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    pool,
    teamKeys: local.keys,
    stateFile: local.file,
    close: async (graceMs = 10_000) => {
      health.stop();
      await closeGracefully(http, unused, pool, graceMs, logger);
      // The last requests' usage: written once they have all ended.
      await local.flush();
      // Every request has ended its span by now: export them before the process goes.
      await tracer?.shutdown();
    },
  };
}

/** Node drops connections over maxConnections silently: say so, at most every 10 s. */
function watchDroppedConnections(server: Server, limit: number, logger: Logger): void {
  let dropped = 0;
  let timer: NodeJS.Timeout | undefined;
  server.on("drop", () => {
    dropped++;
    timer ??= setTimeout(() => {
      logger.warn(`Refused ${dropped} connection(s): max_connections (${limit}) reached`);
      dropped = 0;
      timer = undefined;
    }, 10_000).unref();
  });
}

/**
 * Connections that have not sent a request yet. Clients open them ahead of need (browsers
 * preconnect; undici opens one when a fetch is aborted); Node's closeIdleConnections() does
 * not count them as idle, so shutdown would wait out their headers timeout.
 */
function trackUnusedConnections(server: Server): Set<Socket> {
  const unused = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    unused.add(socket);
    socket.once("close", () => unused.delete(socket));
  });
  server.on("request", (req: IncomingMessage) => unused.delete(req.socket));
  return unused;
}

async function closeGracefully(server: Server, unused: Set<Socket>, pool: AccountPool, graceMs: number, logger: Logger): Promise<void> {
  let cut = false;
  await new Promise<void>((resolve) => {
    // Keep-alive sockets go idle as their requests finish; close them as they do (and any
    // that never carried a request), or close() would wait for their timeouts.
    const closeUnused = () => {
      server.closeIdleConnections();
      for (const socket of unused) socket.destroy();
    };
    const sweep = setInterval(closeUnused, 100);
    const force = setTimeout(() => {
      cut = true;
      const { in_flight } = pool.stats().concurrency.global;
      logger.warn(`Shutdown grace of ${graceMs} ms is over: cutting the requests still running`, { upstream_in_flight: in_flight });
      server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    closeUnused();
  });
  // The sockets are gone, but a cut stream logs its line when its cancel has run: wait for that.
  const until = Date.now() + LOG_FLUSH_MS;
  while (cut && !pool.idle && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
}
