import { NotFoundError } from "../openai/errors";

/**
 * Client model name -> OCI model id via [MODELS]. A configured OCI id also works as a
 * name, so clients can use either.
 *
 * @example
 *   resolveModel(new Map([["grok-4", "xai.grok-4"]]), "grok-4") // "xai.grok-4"
 */
export function resolveModel(models: ReadonlyMap<string, string>, name: string): string {
  const mapped = models.get(name);
  if (mapped) return mapped;
  for (const ociId of models.values()) if (ociId === name) return ociId;
  throw new NotFoundError(
    `The model '${name}' does not exist. Configured models: ${[...models.keys()].join(", ")}.`,
    "model",
    "model_not_found",
  );
}
