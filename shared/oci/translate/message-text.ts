import type { ContentPart } from "../../openai/chat-types";

/**
 * The text of a message's content: the string itself, or its text parts joined.
 * Non-text parts are skipped (callers that cannot carry them check first).
 *
 * @example
 *   messageText([{ type: "text", text: "a" }, { type: "text", text: "b" }]); // "ab"
 *   messageText(null); // ""
 */
export function messageText(content: string | ContentPart[] | null | undefined): string {
  if (typeof content === "string") return content;
  if (content == null) return "";
  if (content.length === 1) return content[0].type === "text" ? content[0].text : "";
  let text = "";
  for (const part of content) if (part.type === "text") text += part.text;
  return text;
}
