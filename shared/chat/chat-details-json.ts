/**
 * Serialises OCI `ChatDetails` around an already serialised `chatRequest`, so a request
 * translated once can be sent to any account (each has its own compartment) without
 * re-serialising it on every failover attempt.
 */
export function chatDetailsJson(compartmentId: string, ociModelId: string, chatRequestJson: string): string {
  return `{"compartmentId":${JSON.stringify(compartmentId)},"servingMode":${servingModeJson(ociModelId)},"chatRequest":${chatRequestJson}}`;
}

/** Dedicated AI cluster endpoints are addressed by OCID; everything else is on-demand. */
export function servingModeJson(ociModelId: string): string {
  return ociModelId.startsWith("ocid1.generativeaiendpoint.")
    ? `{"servingType":"DEDICATED","endpointId":${JSON.stringify(ociModelId)}}`
    : `{"servingType":"ON_DEMAND","modelId":${JSON.stringify(ociModelId)}}`;
}
