import { TerraformProvider } from "cdktf";
import { Construct } from "constructs";

/** oracle/oci provider this stack is written against (its argument names: ../schema/allowed-attributes.json). */
export const OCI_PROVIDER_SOURCE = "oracle/oci";
export const OCI_PROVIDER_VERSION = ">= 8.28.0, < 9.0.0";

export interface OciProviderConfig {
  /** Region identifier, e.g. "us-chicago-1". */
  region: string;
  /** Provider alias, for a second configuration (e.g. the home region for IAM). */
  alias?: string;
  /** Profile in ~/.oci/config; the provider's default when unset. */
  configFileProfile?: string;
}

/**
 * The oracle/oci provider through cdktf's TerraformProvider escape hatch (there is no
 * prebuilt OCI binding on npm). Credentials come from the usual places (~/.oci/config,
 * OCI_CLI_* / TF_VAR_* environment), never from the stack.
 */
export class OciProvider extends TerraformProvider {
  static readonly tfResourceType = "oci";
  // Optional chaining below: the base constructor may touch `alias` before this is set.
  private readonly settings: OciProviderConfig;

  constructor(scope: Construct, id: string, config: OciProviderConfig) {
    super(scope, id, {
      terraformResourceType: "oci",
      terraformGeneratorMetadata: { providerName: "oci", providerVersionConstraint: OCI_PROVIDER_VERSION },
      terraformProviderSource: OCI_PROVIDER_SOURCE,
    });
    this.settings = { ...config };
  }

  override get alias(): string | undefined {
    return this.settings?.alias;
  }

  override set alias(value: string | undefined) {
    if (this.settings) this.settings.alias = value;
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return {
      alias: this.settings.alias,
      region: this.settings.region,
      config_file_profile: this.settings.configFileProfile,
    };
  }
}
