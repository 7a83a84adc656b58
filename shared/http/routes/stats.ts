import { Hono } from "hono";
import { NotFoundError } from "../../openai/errors";
import type { AccountPool } from "../../pool/account-pool";

/** /stats/* (read-only views of the pool) and /admin/* (actions), mounted by the app. */
export function statsRoutes(pool: AccountPool): Hono {
  const app = new Hono();
  app.get("/stats", (c) => c.json(pool.stats()));
  app.get("/stats/accounts", (c) => c.json({ accounts: pool.stats().accounts }));
  app.get("/stats/concurrency", (c) => c.json(pool.stats().concurrency));
  app.get("/stats/circuit-breaker", (c) => c.json({ circuit_breakers: pool.stats().circuitBreakers }));
  app.get("/stats/queue", (c) => c.json(pool.stats().queue));
  return app;
}

export function adminRoutes(pool: AccountPool): Hono {
  const app = new Hono();
  app.post("/admin/circuit-breaker/reset", (c) => {
    const account = c.req.query("account");
    const reset = pool.resetBreakers(account);
    if (account !== undefined && reset.length === 0) {
      throw new NotFoundError(`No account with id '${account}'.`, "account", "account_not_found");
    }
    return c.json({ reset });
  });
  return app;
}
