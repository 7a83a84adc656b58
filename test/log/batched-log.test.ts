/** The CLI's log: lines rendered and written in batches, in order, with the time they were logged, none lost at exit. */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { batchedLog } from "../../shared/log/batched-log";
import { createLogger } from "../../shared/log/logger";

test("lines logged close together go out in one write, in order, with the time they were logged; a full batch goes at once", async () => {
  const writes: string[] = [];
  const logger = createLogger("json", batchedLog({ write: (text: string) => writes.push(text) }, 20, 3));
  const before = Date.now();
  logger.info("one", { n: 1 });
  logger.warn("two");
  expect(writes).toEqual([]);
  await new Promise((r) => setTimeout(r, 40));
  expect(writes).toHaveLength(1);
  const lines = writes[0].trim().split("\n").map((l) => JSON.parse(l));
  expect(lines.map((l) => [l.level, l.msg])).toEqual([
    ["info", "one"],
    ["warn", "two"],
  ]);
  // Stamped when logged, not when written 20 ms later.
  expect(Date.parse(lines[0].time) - before).toBeLessThan(15);
  for (let i = 0; i < 3; i++) logger.info(`full ${i}`);
  expect(writes).toHaveLength(2);
});

test("fields are read when logged: changing the object afterwards does not change the line", async () => {
  const writes: string[] = [];
  const log = batchedLog({ write: (text: string) => writes.push(text) }, 5);
  const logger = createLogger("text", log);
  const fields: Record<string, string | number> = { status: 200 };
  logger.info("request", fields);
  fields.status = 500;
  log.flush();
  expect(writes[0]).toMatch(/ INFO  request status=200\n$/);
});

test("a process that exits right after logging still writes every line", () => {
  const script = `
    const { batchedLog } = require(${JSON.stringify(resolve(__dirname, "../../shared/log/batched-log.ts"))});
    const { createLogger } = require(${JSON.stringify(resolve(__dirname, "../../shared/log/logger.ts"))});
    const logger = createLogger("text", batchedLog(process.stdout, 10_000, 10_000));
    for (let i = 0; i < 500; i++) logger.info("line " + i);
    process.exit(0);
  `;
  const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: resolve(__dirname, "../.."), encoding: "utf8" });
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split("\n");
  expect(lines).toHaveLength(500);
  expect(lines[0]).toMatch(/ INFO  line 0$/);
  expect(lines[499]).toMatch(/ INFO  line 499$/);
});
