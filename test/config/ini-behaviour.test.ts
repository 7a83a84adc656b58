import { decode } from "ini";
import { parseIniText } from "../../shared/config/parse-ini-text";

// What the `ini` package (v6) does with the inputs our configs contain. loadConfig relies
// on these; if an upgrade changes one, this file says which.
describe("ini.decode", () => {
  test("[DEFAULT] is an ordinary section, top-level keys stay at the top", () => {
    expect(decode("api_key = k\n[DEFAULT]\nuser = u\n")).toEqual({ api_key: "k", DEFAULT: { user: "u" } });
  });

  test("inline # and ; comments are stripped and values trimmed", () => {
    const data = decode(
      "[S]\na = auto_generated_key  # 首次运行时自动生成\nb = 30s         # 健康检查间隔\nc = x ; y\nd = spaced   \n",
    );
    expect(data.S).toEqual({ a: "auto_generated_key", b: "30s", c: "x", d: "spaced" });
  });

  test("…also without a space before them, so # and ; must be quoted or escaped in values", () => {
    const data = decode('[S]\na = p#ss\nb = "p#ss"\nc = p\\#ss\nd = "p#ss"  # note\n');
    expect(data.S).toEqual({ a: "p", b: "p#ss", c: "p#ss", d: '"p' });
  });

  test("true/false/null become JS values, a key without = becomes true", () => {
    expect(decode("[S]\na = true\nb = false\nc = null\nd\ne =\n").S).toEqual({ a: true, b: false, c: null, d: true, e: "" });
  });

  test("a value may contain =, and literal \\n stays as backslash-n", () => {
    expect(decode("[S]\na = x==\nb = l1\\nl2\n").S).toEqual({ a: "x==", b: "l1\\nl2" });
  });

  test("repeated sections merge, repeated keys: the last wins", () => {
    expect(decode("[A]\na = 1\nb = 1\n[B]\n[A]\na = 2\n")).toEqual({ A: { a: "2", b: "1" }, B: {} });
  });

  test("headers must start at column 1 with nothing after ]", () => {
    expect(decode("[A]\n[B] # c\n  [C]\nx = 1\n")).toEqual({ A: { "[B]": true, "[C]": true, x: "1" } });
  });

  test("a UTF-8 BOM breaks the first header: it becomes a top-level key", () => {
    expect(decode("\uFEFF[A]\nx = 1\n")).toEqual({ "[A]": true, x: "1" });
  });

  test("dotted section names nest; numeric keys are reordered first", () => {
    expect(decode("[A.b]\nx = 1\n")).toEqual({ A: { b: { x: "1" } } });
    expect(Object.keys(decode("[M]\nz = 1\n4 = 2\n").M)).toEqual(["4", "z"]);
  });

  test("CRLF line ends are fine", () => {
    expect(decode("[A]\r\nx = 1\r\n")).toEqual({ A: { x: "1" } });
  });
});

describe("parseIniText (ini after header normalisation)", () => {
  test("BOM, indented headers and comments after headers work", () => {
    const { data, lines } = parseIniText("\uFEFF[A] # c\nx = 1\n  [B]\ny = 2\n");
    expect(data).toEqual({ A: { x: "1" }, B: { y: "2" } });
    expect(lines.map((l) => [l.kind, l.section, l.key])).toEqual([
      ["section", "A", undefined],
      ["key", "A", "x"],
      ["section", "B", undefined],
      ["key", "B", "y"],
      ["blank", "B", undefined],
    ]);
  });
});
