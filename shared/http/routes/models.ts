import type { Context } from "hono";
import { modelNotFound } from "../../openai/errors";

interface ModelEntry {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

/** GET /v1/models and /v1/models/:id: the [MODELS] names, in OpenAI's list format. */
export function modelsHandlers(models: ReadonlyMap<string, string>) {
  // Fixed at startup: built once, served as is.
  const created = Math.floor(Date.now() / 1000);
  const entries = new Map<string, ModelEntry>();
  for (const [name, ociId] of models) {
    entries.set(name, { id: name, object: "model", created, owned_by: ownerOf(ociId) });
  }
  const list = { object: "list", data: [...entries.values()] };

  return {
    list: (c: Context) => c.json(list),
    get: (c: Context) => {
      const id = c.req.param("id") ?? "";
      const entry = entries.get(id);
      if (!entry) throw modelNotFound(id, entries.keys());
      return c.json(entry);
    },
  };
}

/** "xai.grok-4" -> "xai"; dedicated endpoint OCIDs -> "oci". */
function ownerOf(ociId: string): string {
  return ociId.startsWith("ocid1.") ? "oci" : ociId.split(".")[0];
}
