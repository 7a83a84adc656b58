import { mapOciFinishReason } from "../../shared/oci/translate/map-oci-finish-reason";

describe("mapOciFinishReason", () => {
  it.each([
    ["stop", "stop"],
    ["STOP", "stop"],
    ["COMPLETE", "stop"],
    ["end_turn", "stop"],
    ["eos", "stop"],
    ["length", "length"],
    ["MAX_TOKENS", "length"],
    ["max_tokens", "length"],
    ["ERROR_LIMIT", "length"],
    ["tool_calls", "tool_calls"],
    ["TOOL_CALLS", "tool_calls"],
    ["TOOL_CALL", "tool_calls"],
    ["function_call", "tool_calls"],
    ["content_filter", "content_filter"],
    ["SAFETY", "content_filter"],
    ["ERROR_TOXIC", "content_filter"],
    ["RECITATION", "content_filter"],
    ["Something_New", "stop"],
    ["USER_CANCEL", "stop"],
  ])("%s → %s", (reason, expected) => {
    expect(mapOciFinishReason(reason)).toBe(expected);
  });

  it.each([undefined, null, ""])("%p → null", (reason) => {
    expect(mapOciFinishReason(reason)).toBeNull();
  });

  it("does not resolve Object.prototype keys", () => {
    expect(mapOciFinishReason("constructor")).toBe("stop");
    expect(mapOciFinishReason("__proto__")).toBe("stop");
  });
});
