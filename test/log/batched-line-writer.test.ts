/** The CLI's log writer: lines batched into few writes, in order, none lost at exit. */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { batchedLineWriter } from "../../shared/log/batched-line-writer";

test("lines written close together go out in one write, in order; a full batch goes at once", async () => {
  const writes: string[] = [];
  const write = batchedLineWriter({ write: (text: string) => writes.push(text) }, 20, 30);
  write("one\n");
  write("two\n");
  expect(writes).toEqual([]);
  await new Promise((r) => setTimeout(r, 40));
  expect(writes).toEqual(["one\ntwo\n"]);
  write("x".repeat(40) + "\n");
  expect(writes).toHaveLength(2);
});

test("a process that exits right after logging still writes every line", () => {
  const script = `
    const { batchedLineWriter } = require(${JSON.stringify(resolve(__dirname, "../../shared/log/batched-line-writer.ts"))});
    const write = batchedLineWriter(process.stdout, 10_000);
    for (let i = 0; i < 500; i++) write("line " + i + "\\n");
    process.exit(0);
  `;
  const run = spawnSync(process.execPath, ["--import", "tsx", "-e", script], { cwd: resolve(__dirname, "../.."), encoding: "utf8" });
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split("\n");
  expect(lines).toHaveLength(500);
  expect(lines[0]).toBe("line 0");
  expect(lines[499]).toBe("line 499");
});
