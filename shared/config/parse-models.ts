import { isOciModelId } from "./is-oci-model-id";
import type { SectionReader } from "./section-reader";

/**
 * Reads `[MODELS]` (client model name = OCI model id) in file order, which is the order
 * /v1/models lists them in.
 *
 * @param order Key names in the order they appear in the file (`ini` puts numeric-looking
 *   keys first, so its order is not the file's).
 * @example
 *   parseModels(reader, ["grok-4", "command-a"])
 *   // Map { "grok-4" => "xai.grok-4", "command-a" => "cohere.command-a-03-2025" }
 */
export function parseModels(reader: SectionReader, order: readonly string[]): Map<string, string> {
  const models = new Map<string, string>();
  for (const name of new Set([...order, ...reader.keys()])) {
    const id = reader.string(name) ?? "";
    if (!isOciModelId(id)) {
      throw reader.error(
        name,
        `expected an OCI model id such as "xai.grok-4" or an ocid1.generativeaiendpoint OCID, got "${id}"`,
      );
    }
    models.set(name, id);
  }
  if (models.size === 0) throw reader.error(undefined, `at least one model mapping is required${reader.whereMissing()}`);
  return models;
}
