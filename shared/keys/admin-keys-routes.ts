import { Hono, type Context } from "hono";
import { NotFoundError, OpenAIError } from "../openai/errors";
import { readRequestJson } from "../http/read-json-body";
import { systemClock, type Clock } from "../pool/clock";
import { KeyNotFoundError, KeyRevokedError, RegistryFullError } from "./key-registry";
import { keyReportJson } from "./key-report-json";
import { parseKeyChanges, parseNewKeySettings } from "./parse-key-settings";
import { KeyStoreUnavailableError, type TeamKeys } from "./team-keys";

export interface AdminKeysRoutesOptions {
  keys: TeamKeys;
  /** The configured model names: `models` in a key may name only these. */
  knownModels?: ReadonlySet<string>;
  clock?: Clock;
  /** Largest request body (default 64 KiB: settings are small). */
  maxBodyBytes?: number;
}

/**
 * The admin API for team keys, JSON in and out, errors in OpenAI's shape. Mount it behind the
 * admin key (it checks no key itself):
 *
 * - `POST /admin/keys` → 201, the key's settings and `key` (the only time it is shown)
 * - `GET /admin/keys` → `{ object: "list", data: [...] }`, every key with its usage
 * - `GET /admin/keys/{id}`, `PATCH /admin/keys/{id}` (only the fields sent change; null clears)
 * - `DELETE /admin/keys/{id}` → the key, revoked (for good; a second DELETE is a no-op)
 *
 * @example
 *   app.use("/admin/*", callerAuth(config.apiKey, keys).admin);
 *   app.route("/", adminKeysRoutes({ keys, knownModels: new Set(config.models.keys()) }));
 */
export function adminKeysRoutes({ keys, knownModels, clock = systemClock, maxBodyBytes = 65_536 }: AdminKeysRoutesOptions): Hono {
  const app = new Hono();
  const settingsOptions = () => ({ now: clock.now(), knownModels });
  const one = (c: Context, report: Parameters<typeof keyReportJson>[0], status: 200 | 201 = 200, extra?: { key: string }) =>
    c.json({ ...keyReportJson(report, clock.now()), ...extra }, status);

  app.post("/admin/keys", async (c) => {
    const settings = parseNewKeySettings(await readRequestJson(c, maxBodyBytes), settingsOptions());
    const { key, report } = await adminCall(() => keys.create(settings));
    return one(c, report, 201, { key });
  });
  app.get("/admin/keys", async (c) => {
    const reports = await adminCall(() => keys.list());
    const now = clock.now();
    return c.json({ object: "list", data: reports.map((report) => keyReportJson(report, now)) });
  });
  app.get("/admin/keys/:id", async (c) => one(c, await adminCall(() => keys.get(c.req.param("id")))));
  app.patch("/admin/keys/:id", async (c) => {
    const changes = parseKeyChanges(await readRequestJson(c, maxBodyBytes), settingsOptions());
    return one(c, await adminCall(() => keys.patch(c.req.param("id"), changes)));
  });
  app.delete("/admin/keys/:id", async (c) => one(c, await adminCall(() => keys.revoke(c.req.param("id")))));
  return app;
}

/**
 * `GET /stats/keys`: every key's settings and usage (all instances' figures). Mount it where
 * /stats/* is mounted, behind the same auth.
 *
 * @example
 *   app.route("/", keyStatsRoutes({ keys }));
 */
export function keyStatsRoutes({ keys, clock = systemClock }: Pick<AdminKeysRoutesOptions, "keys" | "clock">): Hono {
  const app = new Hono();
  app.get("/stats/keys", async (c) => {
    const reports = await adminCall(() => keys.list());
    const now = clock.now();
    return c.json({ keys: reports.map((report) => keyReportJson(report, now)) });
  });
  return app;
}

/** The registry's domain errors as OpenAI-shaped HTTP errors. */
async function adminCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof KeyNotFoundError) throw new NotFoundError(err.message, "id", "key_not_found");
    if (err instanceof KeyRevokedError) throw new OpenAIError(409, err.message, "invalid_request_error", "id", "key_revoked");
    if (err instanceof RegistryFullError) throw new OpenAIError(409, err.message, "invalid_request_error", null, "key_registry_full");
    if (err instanceof KeyStoreUnavailableError) throw new OpenAIError(503, err.message, "server_error", null, "key_store_unavailable", { "retry-after": "1" });
    throw err;
  }
}
