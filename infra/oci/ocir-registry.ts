/** OCI region identifier → region key, for the short OCIR host names (<key>.ocir.io). */
const REGION_KEYS: Readonly<Record<string, string>> = {
  "us-ashburn-1": "iad",
  "us-phoenix-1": "phx",
  "us-sanjose-1": "sjc",
  "us-chicago-1": "ord",
  "ca-toronto-1": "yyz",
  "ca-montreal-1": "yul",
  "sa-saopaulo-1": "gru",
  "sa-vinhedo-1": "vcp",
  "sa-santiago-1": "scl",
  "mx-queretaro-1": "qro",
  "mx-monterrey-1": "mty",
  "uk-london-1": "lhr",
  "uk-cardiff-1": "cwl",
  "eu-frankfurt-1": "fra",
  "eu-amsterdam-1": "ams",
  "eu-zurich-1": "zrh",
  "eu-marseille-1": "mrs",
  "eu-milan-1": "lin",
  "eu-stockholm-1": "arn",
  "eu-paris-1": "cdg",
  "eu-madrid-1": "mad",
  "me-jeddah-1": "jed",
  "me-dubai-1": "dxb",
  "me-abudhabi-1": "auh",
  "il-jerusalem-1": "mtz",
  "af-johannesburg-1": "jnb",
  "ap-tokyo-1": "nrt",
  "ap-osaka-1": "kix",
  "ap-seoul-1": "icn",
  "ap-chuncheon-1": "yny",
  "ap-mumbai-1": "bom",
  "ap-hyderabad-1": "hyd",
  "ap-sydney-1": "syd",
  "ap-melbourne-1": "mel",
  "ap-singapore-1": "sin",
};

/**
 * Container Registry host of a region: `<region key>.ocir.io` for the regions above,
 * otherwise the `ocir.<region>.oci.oraclecloud.com` form. Override with ociRegistry /
 * OCIAI_OCI_REGISTRY when in doubt (the host you `docker login` to is the right one).
 *
 * @example
 *   ocirRegistry("us-chicago-1") // "ord.ocir.io"
 */
export function ocirRegistry(region: string): string {
  const key = REGION_KEYS[region];
  return key ? `${key}.ocir.io` : `ocir.${region}.oci.oraclecloud.com`;
}
