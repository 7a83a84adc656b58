import type { Context } from "hono";
import { resolveModel, type ModelUse } from "../chat/resolve-model";
import { teamKeyOf } from "./caller-auth";

/**
 * {@link resolveModel} for the request's caller: an unknown model's 404 lists only the
 * models the caller may use (a team key's `models`, as /v1/models lists them), so a
 * restricted key never learns the names of the others.
 *
 * @example
 *   const ociModelId = resolveCallerModel(c, config.models, request.model);
 */
export function resolveCallerModel(c: Context, models: ReadonlyMap<string, string>, name: string, use: ModelUse = "chat"): string {
  return resolveModel(models, name, use, teamKeyOf(c)?.allowedModels);
}
