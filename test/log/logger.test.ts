import { createLogger } from "../../shared/log/logger";

function capture(format: "text" | "json") {
  const lines: string[] = [];
  return { lines, logger: createLogger(format, (line) => lines.push(line)) };
}

describe("text logs", () => {
  test("control characters in messages and values are escaped, never written raw", () => {
    const { lines, logger } = capture("text");
    logger.info("request \u001b[31mred", { path: "/x\u001b[2K", note: "a\r\nFAKE 2026 INFO forged", c1: "\u009b2J" });
    expect(lines).toHaveLength(1);
    const [line] = lines;
    // One line: nothing a terminal would act on.
    expect(line).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(line.indexOf("\n")).toBe(line.length - 1);
    expect(line).toContain("request \\x1b[31mred");
    expect(line).toContain("path=/x\\x1b[2K");
    expect(line).toContain('note="a\\x0d\\x0aFAKE 2026 INFO forged"');
    expect(line).toContain("c1=\\x9b2J");
  });

  test("values with spaces, quotes or = are quoted; plain ones are not", () => {
    const { lines, logger } = capture("text");
    logger.warn("msg", { a: "plain", b: 'say "hi" = x', n: 3, skip: undefined });
    expect(lines[0]).toMatch(/ WARN  msg a=plain b="say \\"hi\\" = x" n=3\n$/);
  });
});

test("JSON logs stay valid JSON with control characters escaped", () => {
  const { lines, logger } = capture("json");
  logger.error("x\u001b", { path: "/x\u001b[2K" });
  expect(lines[0]).not.toContain("\u001b");
  expect(JSON.parse(lines[0])).toMatchObject({ level: "error", msg: "x\u001b", path: "/x\u001b[2K" });
});
