import type { ProxyConfig } from "../config/types";
import { resolveModel } from "./resolve-model";

/** The OCI model probes use: `health_check_model` (a client or OCI name), else the first [MODELS] entry. */
export function healthCheckModel(config: Pick<ProxyConfig, "models" | "pool">): string {
  return resolveModel(config.models, config.pool.healthCheckModel ?? config.models.keys().next().value!);
}
