import { suggestKey } from "../config/suggest-key";

/**
 * Region -> Generative AI inference endpoint.
 *
 * Regions known to host Generative AI are listed with their realm's domain; a region the
 * OCI SDK knows but that is not listed still resolves (OCI keeps adding regions), with a
 * warning. Anything else is a startup error unless the account sets `endpoint`.
 *
 * @example
 *   resolveInferenceEndpoint("eu-frankfurt-2").url // "https://inference.generativeai.eu-frankfurt-2.oci.oraclecloud.eu"
 */
const REALM_DOMAIN = {
  oc1: "oraclecloud.com",
  oc19: "oraclecloud.eu",
} as const;

/** Regions with Generative AI inference, and the realm each belongs to. */
export const GENERATIVE_AI_REGIONS: Readonly<Record<string, keyof typeof REALM_DOMAIN>> = {
  "ap-hyderabad-1": "oc1",
  "ap-osaka-1": "oc1",
  "ap-sydney-1": "oc1",
  "ap-tokyo-1": "oc1",
  "ap-singapore-1": "oc1",
  "ap-mumbai-1": "oc1",
  "ca-toronto-1": "oc1",
  "eu-frankfurt-1": "oc1",
  "eu-amsterdam-1": "oc1",
  "eu-stockholm-1": "oc1",
  "eu-frankfurt-2": "oc19",
  "eu-madrid-2": "oc19",
  "me-dubai-1": "oc1",
  "me-riyadh-1": "oc1",
  "me-abudhabi-1": "oc1",
  "sa-saopaulo-1": "oc1",
  "uk-london-1": "oc1",
  "us-ashburn-1": "oc1",
  "us-chicago-1": "oc1",
  "us-phoenix-1": "oc1",
};

export interface ResolvedEndpoint {
  url: string;
  /** Set when the region is valid for OCI but not known to offer Generative AI. */
  warning?: string;
}

export function resolveInferenceEndpoint(region: string, override?: string): ResolvedEndpoint {
  if (override) return { url: override.replace(/\/+$/, "") };
  const realm = GENERATIVE_AI_REGIONS[region];
  if (realm) return { url: inferenceUrl(region, REALM_DOMAIN[realm]) };

  const domain = domainFromSdk(region);
  if (!domain) {
    const suggestion = suggestKey(region, Object.keys(GENERATIVE_AI_REGIONS));
    const hint = suggestion ? `; did you mean "${suggestion}"?` : "";
    throw new Error(
      `unknown OCI region "${region}"${hint} (Generative AI regions: ${Object.keys(GENERATIVE_AI_REGIONS).join(", ")}; or set endpoint)`,
    );
  }
  return {
    url: inferenceUrl(region, domain),
    warning: `region ${region} is not known to offer Generative AI; calls may fail with 404`,
  };
}

function inferenceUrl(region: string, domain: string): string {
  return `https://inference.generativeai.${region}.oci.${domain}`;
}

/** The SDK's region table is large and slow to load, so it is only consulted for unlisted regions. */
function domainFromSdk(region: string): string | undefined {
  if (!/^[a-z]{2,}-[a-z]+-\d+$/.test(region)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Region } = require("oci-common") as typeof import("oci-common");
  return Region.fromRegionId(region)?.realm.secondLevelDomain;
}
