import { serve, type ServerType } from "@hono/node-server";
import type { AddressInfo } from "node:net";
import type { ProxyConfig } from "../config/types";
import { createApp } from "../http/create-app";
import type { Logger } from "../log/logger";
import { createAccounts } from "../pool/create-accounts";
import { FailoverPool } from "../pool/failover-pool";

export interface RunningProxy {
  url: string;
  port: number;
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
  const pool = new FailoverPool(accounts, config.pool);
  const app = createApp({ config, pool, logger });

  const server = await new Promise<ServerType>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port, hostname: host }, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  const shownHost = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;

  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: (graceMs = 10_000) => closeGracefully(server, graceMs),
  };
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
