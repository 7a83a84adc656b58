/**
 * The admin sub-app mounted the way the proxy will mount it (behind the admin key, errors
 * rendered in OpenAI's shape) and served over real HTTP by @hono/node-server.
 */
import { serve, type ServerType } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import { errorResponse } from "../../shared/http/error-response";
import type { AppEnv } from "../../shared/http/create-app";
import { RequestLog } from "../../shared/http/request-log";
import { silentLogger } from "../../shared/log/logger";
import { requestLineWriter } from "../../shared/metrics/request-line-writer";
import { callerAuth } from "../../shared/http/caller-auth";
import { adminKeysRoutes, keyStatsRoutes } from "../../shared/keys/admin-keys-routes";
import { TeamKeys } from "../../shared/keys/team-keys";
import { NotFoundError } from "../../shared/openai/errors";
import { MemoryStateStore } from "../../shared/state/memory-state-store";
import type { StateStore } from "../../shared/state/state-store";

export const ADMIN_KEY = "sk-admin-test-0123456789abcdef";
export const MODELS = new Set(["grok-4", "llama-4", "cohere-command"]);

export interface AdminServer {
  url: string;
  keys: TeamKeys;
  close(): Promise<void>;
}

export async function startAdminServer(store: StateStore = new MemoryStateStore()): Promise<AdminServer> {
  const keys = new TeamKeys(store, { cacheMs: 1_000 });
  const app = new Hono<AppEnv>();
  const { admin } = callerAuth(ADMIN_KEY, keys);
  const telemetry = { lines: requestLineWriter("log", silentLogger) };
  app.use("*", async (c, next) => {
    c.set("requestLog", new RequestLog(telemetry, c.req.method, c.req.path));
    await next();
  });
  app.use("/admin/*", admin);
  app.use("/stats/*", admin);
  app.route("/", adminKeysRoutes({ keys, knownModels: MODELS }));
  app.route("/", keyStatsRoutes({ keys }));
  app.notFound((c) => errorResponse(new NotFoundError(`Unknown endpoint: ${c.req.method} ${c.req.path}`, null, "unknown_url")));
  app.onError((err) => errorResponse(err));
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    keys,
    close: async () => {
      await keys.flush();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
