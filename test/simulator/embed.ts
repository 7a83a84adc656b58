/** `POST /20231130/actions/embedText` → `EmbedTextResult`. */
import { invalidParameter, ociError, type OciErrorSpec } from "./oci-errors";
import { countWords } from "./chat-plan";
import { MODEL_VERSION } from "./chat-response";

export const MAX_EMBED_INPUTS = 96;
const DIMENSIONS = 256;

export function embedText(body: any, requestId: string): unknown | OciErrorSpec {
  if (typeof body !== "object" || body === null) return invalidParameter("Request body must be a JSON object.");
  if (typeof body.compartmentId !== "string" || body.compartmentId === "") return invalidParameter("compartmentId is required.");
  const mode = body.servingMode;
  if (typeof mode !== "object" || mode === null) return invalidParameter("servingMode is required.");
  const modelId = mode.servingType === "DEDICATED" ? mode.endpointId : mode.modelId;
  if (typeof modelId !== "string" || modelId === "") return invalidParameter("servingMode.modelId is required.");
  if (mode.servingType === "ON_DEMAND" && !modelId.startsWith("cohere.embed")) return ociError(404);
  const inputs = body.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) return invalidParameter("inputs must be a non-empty array.");
  if (inputs.length > MAX_EMBED_INPUTS) return invalidParameter(`inputs must have at most ${MAX_EMBED_INPUTS} items; got ${inputs.length}.`);
  if (!inputs.every((s) => typeof s === "string")) return invalidParameter("inputs must be strings.");
  let tokens = 0;
  for (const s of inputs) tokens += countWords(s);
  return {
    id: requestId,
    embeddings: inputs.map(vectorOf),
    modelId,
    modelVersion: MODEL_VERSION,
    usage: { promptTokens: tokens, totalTokens: tokens },
  };
}

/** A deterministic unit vector derived from the text (same text → same vector). */
function vectorOf(text: string): number[] {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const v = new Array<number>(DIMENSIONS);
  let norm = 0;
  for (let i = 0; i < DIMENSIONS; i++) {
    h = (Math.imul(h, 1664525) + 1013904223) | 0;
    v[i] = (h >>> 8) / 8388608 - 1;
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < DIMENSIONS; i++) v[i] = Math.round((v[i] / norm) * 1e6) / 1e6;
  return v;
}
