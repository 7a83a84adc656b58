/** `GET /20231130/models` (control-plane ModelCollection) for a fixed set of models. */
import { createHash } from "node:crypto";

export const SIMULATED_MODELS = [
  "xai.grok-4",
  "xai.grok-3",
  "xai.grok-3-mini",
  "meta.llama-3.3-70b-instruct",
  "cohere.command-r-plus-08-2024",
  "cohere.command-a-03-2025",
  "openai.gpt-oss-120b",
  "google.gemini-2.5-flash",
] as const;

/** The response body; built once (the list never changes). */
export const MODELS_BODY = JSON.stringify({
  items: SIMULATED_MODELS.map((name) => ({
    id: `ocid1.generativeaimodel.oc1.us-chicago-1.amaaaaaa${createHash("sha256").update(name).digest("hex").slice(0, 52)}`,
    displayName: name,
    vendor: name.slice(0, name.indexOf(".")),
    version: "1.0.0",
    type: "BASE",
    capabilities: ["CHAT"],
    lifecycleState: "ACTIVE",
    isLongTermSupported: false,
    timeCreated: "2025-01-01T00:00:00.000Z",
  })),
});
