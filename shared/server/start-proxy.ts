import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { ProxyConfig } from "../config/types";
import { createApp } from "../http/create-app";
import type { Logger } from "../log/logger";
import { createAccounts } from "../pool/create-accounts";
import { AccountPool } from "../pool/account-pool";
import { HealthChecker } from "../pool/health-checker";

export interface RunningProxy {
  url: string;
  port: number;
  pool: AccountPool;
  /**
   * Stops accepting connections and waits for in-flight requests (streams included) to
   * finish, up to `graceMs`; then closes whatever is left.
   */
  close(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  config: ProxyConfig;
  logger: Logger;
  port: number;
  host?: string;
}

/** Builds the accounts and the app, and serves it over node:http. */
export async function startProxy({ config, logger, port, host = "0.0.0.0" }: StartOptions): Promise<RunningProxy> {
  const accounts = await createAccounts(config, logger);
  const pool = new AccountPool(accounts, config.pool, config.breaker, { logger });
  const app = createApp({ config, pool, logger });
  const health = healthCheckerFor(config, pool, logger);

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;

  if (health) {
    health.start();
    // The first round runs in the background: start-up does not wait on OCI.
    void health.checkAll().then(({ healthy, total }) => logger.info(`Healthy accounts: ${healthy}/${total}`));
  }

  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    pool,
    close: (graceMs = 10_000) => {
      health?.stop();
      return closeGracefully(server, graceMs);
    },
  };
}

/** Periodic health checks are a multi-account feature: one account has nowhere to fail over to. */
function healthCheckerFor(config: ProxyConfig, pool: AccountPool, logger: Logger): HealthChecker | undefined {
  if (config.mode !== "multi") return undefined;
  return new HealthChecker(pool, config, logger);
}

function closeGracefully(server: ServerType, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    const http = server as import("node:http").Server;
    // Keep-alive sockets go idle as their requests finish; close them as they do, or
    // close() would wait for their timeouts.
    const sweep = setInterval(() => http.closeIdleConnections(), 100);
    const force = setTimeout(() => http.closeAllConnections(), graceMs);
    http.close(() => {
      clearInterval(sweep);
      clearTimeout(force);
      resolve();
    });
    http.closeIdleConnections();
  });
}
