import { TerraformResource, type TerraformMetaArguments } from "cdktf";
import { Construct } from "constructs";
import { checkOciResource, isReadableAttribute } from "../schema/check-oci-attributes";
import { OCI_PROVIDER_VERSION } from "./oci-provider";

/** A nested block: one object, or several for repeatable blocks. */
export type Block<T> = T | T[];
export type StringMap = Record<string, string>;

/**
 * Base of the typed OCI constructs: a TerraformResource (cdktf's escape hatch for
 * providers without prebuilt bindings) whose arguments are written with the provider's
 * own snake_case names, so what the code says is exactly what Terraform gets. Every
 * instance validates itself at synth against the provider schema extract
 * (../schema/allowed-attributes.json): an argument name the provider does not know, a
 * missing required argument or a wrong literal type fails `cdktf synth`, not `apply`.
 */
export abstract class OciResource<Args extends object> extends TerraformResource {
  readonly args: Args;

  protected constructor(scope: Construct, id: string, type: string, args: Args, meta: TerraformMetaArguments = {}) {
    super(scope, id, {
      terraformResourceType: type,
      terraformGeneratorMetadata: { providerName: "oci", providerVersionConstraint: OCI_PROVIDER_VERSION },
      ...meta,
    });
    this.args = args;
    this.node.addValidation({
      validate: () => checkOciResource(type, this.synthesizeAttributes()).map((problem) => `${this.node.path}: ${problem}`),
    });
  }

  protected override synthesizeAttributes(): Record<string, unknown> {
    return { ...this.args } as Record<string, unknown>;
  }

  /** A reference to one of this resource's attributes; refuses names the provider does not have. */
  attribute(name: string): string {
    if (!isReadableAttribute(this.terraformResourceType, name)) {
      throw new Error(`${this.terraformResourceType} has no attribute "${name}"`);
    }
    return this.getStringAttribute(name);
  }

  get id(): string {
    return this.attribute("id");
  }
}
