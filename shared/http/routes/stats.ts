import { Hono } from "hono";
import { clip } from "../../openai/clip";
import { NotFoundError } from "../../openai/errors";
import type { AccountPool } from "../../pool/account-pool";

/** /stats/* (read-only views of the pool) and /admin/* (actions), mounted by the app. */
export function statsRoutes(pool: AccountPool): Hono {
  const app = new Hono();
  // Serverless: this instance may never have served a chat; read every instance's view first.
  const current = async () => {
    await pool.refreshShared();
    return pool.stats();
  };
  app.get("/stats", async (c) => c.json(await current()));
  app.get("/stats/accounts", async (c) => c.json({ accounts: (await current()).accounts }));
  app.get("/stats/concurrency", async (c) => c.json((await current()).concurrency));
  app.get("/stats/circuit-breaker", async (c) => c.json({ circuit_breakers: (await current()).circuit_breakers }));
  app.get("/stats/queue", async (c) => c.json((await current()).queue));
  return app;
}

export function adminRoutes(pool: AccountPool): Hono {
  const app = new Hono();
  app.post("/admin/circuit-breaker/reset", (c) => {
    const account = c.req.query("account");
    const reset = pool.resetBreakers(account);
    if (account !== undefined && reset.length === 0) {
      throw new NotFoundError(`No account with id '${clip(account)}'.`, "account", "account_not_found");
    }
    return c.json({ reset });
  });
  return app;
}
