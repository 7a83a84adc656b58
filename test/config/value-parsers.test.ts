import { isOciModelId } from "../../shared/config/is-oci-model-id";
import { parseBool } from "../../shared/config/parse-bool";
import { parseByteSize } from "../../shared/config/parse-byte-size";
import { parseDuration } from "../../shared/config/parse-duration";
import { parseEndpointUrl } from "../../shared/config/parse-endpoint-url";
import { parseFailureRate } from "../../shared/config/parse-failure-rate";
import { parseInteger } from "../../shared/config/parse-integer";
import { parseOriginList } from "../../shared/config/parse-origin-list";
import { suggestKey } from "../../shared/config/suggest-key";

describe("parseDuration", () => {
  test.each([
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h", 3_600_000],
    ["250ms", 250],
    ["1m30s", 90_000],
    ["1h2m3s4ms", 3_723_004],
    ["1.5s", 1500],
    ["30", 30_000],
    ["0", 0],
    ["0s", 0],
    [" 15s ", 15_000],
  ])("%j -> %d ms", (text, ms) => expect(parseDuration(text)).toBe(ms));

  test("rejects durations Node timers cannot hold", () => {
    expect(parseDuration("596h")).toBe(596 * 3_600_000);
    expect(() => parseDuration("597h")).toThrow('must be at most 596h, got "597h"');
    expect(() => parseDuration("99999999999")).toThrow('must be at most 596h, got "99999999999"');
  });

  test.each(["", "abc", "30 s", "-5s", "1d", "5M", "s", "1m 30s", "30sec", "1.s"])("rejects %j", (text) => {
    expect(() => parseDuration(text)).toThrow(`expected a duration such as 30s, 5m, 1h, 250ms or 1m30s, got "${text}"`);
  });
});

describe("parseByteSize", () => {
  test.each([
    ["2048", 2048],
    ["10mb", 10 * 1024 * 1024],
    ["10MB", 10 * 1024 * 1024],
    ["512kb", 512 * 1024],
    ["512 KiB", 512 * 1024],
    ["1g", 1024 ** 3],
    ["1.5mb", 1.5 * 1024 * 1024],
    ["100b", 100],
  ])("%j -> %d", (text, bytes) => expect(parseByteSize(text)).toBe(bytes));

  test.each(["", "0", "big", "10tb", "-1", "mb"])("rejects %j", (text) => {
    expect(() => parseByteSize(text)).toThrow(`expected a size in bytes or with a unit such as 512kb or 10mb, got "${text}"`);
  });
});

describe("parseInteger", () => {
  test("accepts whole numbers from the minimum", () => {
    expect(parseInteger("0", 0)).toBe(0);
    expect(parseInteger("50", 1)).toBe(50);
    expect(parseInteger("+3", 1)).toBe(3);
  });
  test.each([
    ["0", 1, 'expected a positive integer, got "0"'],
    ["abc", 1, 'expected a positive integer, got "abc"'],
    ["1.5", 0, 'expected a non-negative integer, got "1.5"'],
    ["-1", 0, 'expected a non-negative integer, got "-1"'],
    ["1e3", 0, 'expected a non-negative integer, got "1e3"'],
    ["99999999999999999999", 0, 'expected a non-negative integer, got "99999999999999999999"'],
  ] as const)("rejects %j (min %d)", (text, min, message) => expect(() => parseInteger(text, min)).toThrow(message));
});

describe("parseBool", () => {
  test.each([
    ["true", true],
    ["TRUE", true],
    ["yes", true],
    ["1", true],
    ["false", false],
    ["No", false],
    ["0", false],
  ])("%j -> %s", (text, value) => expect(parseBool(text)).toBe(value));
  test("rejects anything else", () => {
    expect(() => parseBool("on")).toThrow('expected true/false, yes/no or 1/0, got "on"');
  });
});

describe("parseFailureRate", () => {
  test.each([
    ["0.6", 0.6],
    [".5", 0.5],
    ["1", 1],
  ])("%j -> %d", (text, rate) => expect(parseFailureRate(text)).toBe(rate));
  test.each(["0", "1.01", "60%", "-0.5", "abc"])("rejects %j", (text) => {
    expect(() => parseFailureRate(text)).toThrow(`expected a number greater than 0 and at most 1, got "${text}"`);
  });
});

describe("parseOriginList", () => {
  test("star, lists, normalisation", () => {
    expect(parseOriginList("*")).toEqual(["*"]);
    expect(parseOriginList(" https://A.example.com , http://localhost:3000/ ")).toEqual([
      "https://a.example.com",
      "http://localhost:3000",
    ]);
  });
  test.each(["https://a.example.com/path", "a.example.com", "ftp://a.example.com"])("rejects %j", (item) => {
    expect(() => parseOriginList(`*, ${item}`)).toThrow(`expected "*" or origins like https://app.example.com, got "${item}"`);
  });
  test("rejects an empty list", () => {
    expect(() => parseOriginList(" , ")).toThrow('expected "*" or a comma-separated list of origins, got " , "');
  });
});

describe("parseEndpointUrl", () => {
  test("http(s) URLs without trailing slashes", () => {
    expect(parseEndpointUrl("http://127.0.0.1:9000/")).toBe("http://127.0.0.1:9000");
    expect(parseEndpointUrl("https://example.com/20231130")).toBe("https://example.com/20231130");
  });
  test.each(["example.com", "ftp://example.com", "http://"])("rejects %j", (text) => {
    expect(() => parseEndpointUrl(text)).toThrow(`got "${text}"`);
  });
});

describe("isOciModelId", () => {
  test.each([
    "xai.grok-4",
    "meta.llama-3.3-70b-instruct",
    "cohere.command-a-03-2025",
    "openai.gpt-oss-120b",
    "google.gemini-2.5-flash",
    "ocid1.generativeaiendpoint.oc1.us-chicago-1.amaaaaaaexample",
    "ocid1.generativeaimodel.oc1.us-chicago-1.amaaaaaaexample",
  ])("accepts %j", (id) => expect(isOciModelId(id)).toBe(true));
  test.each(["grok-4", "grok 4", "", ".grok", "xai.", "ocid1.tenancy.oc1..aaaa", "xai.grok 4"])("rejects %j", (id) =>
    expect(isOciModelId(id)).toBe(false),
  );
});

describe("suggestKey", () => {
  test("close matches only", () => {
    expect(suggestKey("retry_attemps", ["queue_size", "retry_attempts"])).toBe("retry_attempts");
    expect(suggestKey("Queue_Size", ["queue_size"])).toBe("queue_size");
    expect(suggestKey("colour", ["queue_size", "weight"])).toBeUndefined();
  });
});
