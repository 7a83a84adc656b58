import type { ProxyConfig } from "../config/types";
import { ociModelKind } from "../oci/oci-model-kind";

/**
 * The OCI model probes use: `health_check_model` (a [MODELS] name or an OCI id), else the
 * first chat model in [MODELS] (an embedding model only when there is nothing else).
 */
export function healthCheckModel(config: Pick<ProxyConfig, "models" | "pool">): string {
  const chosen = config.pool.healthCheckModel;
  if (chosen) return config.models.get(chosen) ?? chosen;
  const ids = [...config.models.values()];
  return ids.find((id) => ociModelKind(id) === "chat") ?? ids.find((id) => ociModelKind(id) === "unknown") ?? ids[0];
}
