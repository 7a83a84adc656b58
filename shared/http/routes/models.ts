import type { Context } from "hono";
import { modelNotFound } from "../../openai/errors";

interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

interface AnthropicModelEntry {
  type: "model";
  id: string;
  display_name: string;
  created_at: string;
}

/**
 * GET /v1/models and /v1/models/:id: the [MODELS] names, in OpenAI's list format, or in
 * Anthropic's when the request carries `anthropic-version` (as Anthropic clients send it).
 */
export function modelsHandlers(models: ReadonlyMap<string, string>) {
  // Fixed at startup: built once, served as is.
  const created = Math.floor(Date.now() / 1000);
  const createdAt = new Date(created * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const entries = new Map<string, ModelEntry>();
  const anthropicEntries = new Map<string, AnthropicModelEntry>();
  for (const [name, ociId] of models) {
    entries.set(name, { id: name, object: "model", created, owned_by: ownerOf(ociId) });
    anthropicEntries.set(name, { type: "model", id: name, display_name: `${name} (${ociId} on OCI)`, created_at: createdAt });
  }
  const list = { object: "list", data: [...entries.values()] };
  const names = [...entries.keys()];
  const anthropicList = { data: [...anthropicEntries.values()], has_more: false, first_id: names[0] ?? null, last_id: names[names.length - 1] ?? null };
  const anthropic = (c: Context) => c.req.header("anthropic-version") !== undefined;

  return {
    list: (c: Context) => c.json(anthropic(c) ? anthropicList : list),
    get: (c: Context) => {
      const id = c.req.param("id") ?? "";
      const entry = anthropic(c) ? anthropicEntries.get(id) : entries.get(id);
      if (!entry) throw modelNotFound(id, entries.keys());
      return c.json(entry);
    },
  };
}

/** "xai.grok-4" -> "xai"; dedicated endpoint OCIDs -> "oci". */
function ownerOf(ociId: string): string {
  return ociId.startsWith("ocid1.") ? "oci" : ociId.split(".")[0];
}
