/**
 * A fresh OpenAI-style tool call id, for vendors that send none (Cohere never does,
 * Gemini often does not). Clients echo it back in the `tool` message, so it only has
 * to be unique within a conversation.
 *
 * @example
 *   generateToolCallId(); // "call_9f2c4e0b7a1d4c3e8b5a6f70"
 */
export function generateToolCallId(): string {
  // randomUUID is the cheapest CSPRNG call in Node (batched entropy); 24 hex chars = 96 bits.
  const uuid = crypto.randomUUID();
  return `call_${uuid.slice(0, 8)}${uuid.slice(9, 13)}${uuid.slice(14, 18)}${uuid.slice(19, 23)}${uuid.slice(24, 28)}`;
}
