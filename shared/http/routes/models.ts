import type { Context } from "hono";
import { mayUseModel, modelNotAllowed } from "../../keys/check-admission";
import type { TeamKey } from "../../keys/key-registry";
import { toOpenAIKeyError } from "../../keys/key-refusal-to-openai";
import { modelNotFound } from "../../openai/errors";
import { teamKeyOf } from "../caller-auth";

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

/** Both list shapes of a set of models, built once. */
interface ModelLists {
  openai: { object: "list"; data: ModelEntry[] };
  anthropic: { data: AnthropicModelEntry[]; has_more: false; first_id: string | null; last_id: string | null };
}

/**
 * GET /v1/models and /v1/models/:id: the [MODELS] names, in OpenAI's list format, or in
 * Anthropic's when the request carries `anthropic-version` (as Anthropic clients send it).
 * A team key with a model list sees only its models; asking for another one by id is a
 * 403 model_not_allowed, as using it would be.
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
  const listsOf = (names: string[]): ModelLists => ({
    openai: { object: "list", data: names.map((name) => entries.get(name)!) },
    anthropic: { data: names.map((name) => anthropicEntries.get(name)!), has_more: false, first_id: names[0] ?? null, last_id: names[names.length - 1] ?? null },
  });
  const all = listsOf([...entries.keys()]);
  // A key's lists, built on its first listing; a changed key is a new object, so they are rebuilt.
  const byKey = new WeakMap<TeamKey, ModelLists>();
  const listsFor = (key: TeamKey | undefined): ModelLists => {
    if (key === undefined || key.allowedModels === null) return all;
    let lists = byKey.get(key);
    if (!lists) byKey.set(key, (lists = listsOf([...entries.keys()].filter((name) => key.allowedModels!.has(name)))));
    return lists;
  };
  const anthropic = (c: Context) => c.req.header("anthropic-version") !== undefined;

  return {
    list: (c: Context) => {
      const lists = listsFor(teamKeyOf(c));
      return c.json(anthropic(c) ? lists.anthropic : lists.openai);
    },
    get: (c: Context) => {
      const id = c.req.param("id") ?? "";
      const key = teamKeyOf(c);
      const entry = anthropic(c) ? anthropicEntries.get(id) : entries.get(id);
      if (!entry) throw modelNotFound(id, listsFor(key).openai.data.map((model) => model.id));
      if (key && !mayUseModel(key, id)) {
        throw toOpenAIKeyError(modelNotAllowed(key, id));
      }
      return c.json(entry);
    },
  };
}

/** "xai.grok-4" -> "xai"; dedicated endpoint OCIDs -> "oci". */
function ownerOf(ociId: string): string {
  return ociId.startsWith("ocid1.") ? "oci" : ociId.split(".")[0];
}
