import allowedAttributes from "./allowed-attributes.json";

/** One argument of a resource, as the oracle/oci provider's schema declares it. */
export interface OciArgSpec {
  required?: boolean;
  /** string | int | bool | float | map | list(string) | set(string); absent for blocks. */
  type?: string;
  /** Nested block, written as one object or a list of objects. */
  block?: "list" | "set";
  max_items?: number;
  min_items?: number;
  allowed_values?: string[];
  args?: Record<string, OciArgSpec>;
}

export interface OciResourceSpec {
  args: Record<string, OciArgSpec>;
  /** Read-only attribute names (id, state, hostname, …). */
  attributes: string[];
  timeouts: boolean;
}

/** The per-resource argument lists (infra/oci/schema/allowed-attributes.json, provider v8.28.0). */
export const OCI_SCHEMA = allowedAttributes as unknown as { source: string; resources: Record<string, OciResourceSpec> };

/** Terraform meta-arguments, valid on every resource; "//" is cdktf's own metadata key. */
const META_ARGUMENTS = new Set(["//", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioner", "connection"]);

/**
 * Checks one OCI resource's configuration (as synthesized) against the provider's schema:
 * every argument name at every nesting level must exist, required arguments must be
 * present, blocks must be objects (or lists of them) within their item limits, and literal
 * values must have the schema's type and one of its allowed values. Values that are
 * Terraform expressions ("${…}") are only known at plan time and are not type-checked.
 *
 * @returns Problems, e.g. ['oci_functions_function.memory_in_mbs: expected string, got number'];
 *   empty when the configuration is valid.
 * @example
 *   checkOciResource("oci_identity_policy", { name: "p", description: "d", compartment_id: "x", statements: ["…"], colour: "red" })
 *   // ['oci_identity_policy.colour: not an argument of oci_identity_policy']
 */
export function checkOciResource(type: string, config: Record<string, unknown>): string[] {
  const spec = OCI_SCHEMA.resources[type];
  if (!spec) return [`${type}: not a resource type in the allowed-attribute list`];
  const problems: string[] = [];
  const extra = (name: string) => META_ARGUMENTS.has(name) || (name === "timeouts" && spec.timeouts);
  checkArgs(type, spec.args, config, problems, extra);
  return problems;
}

/** Whether `name` can be read from a resource of `type` (an argument or a computed attribute). */
export function isReadableAttribute(type: string, name: string): boolean {
  const spec = OCI_SCHEMA.resources[type];
  return Boolean(spec && (name in spec.args || spec.attributes.includes(name)));
}

function checkArgs(
  where: string,
  specs: Record<string, OciArgSpec>,
  values: Record<string, unknown>,
  problems: string[],
  extra: (name: string) => boolean = () => false,
): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || extra(name)) continue;
    const spec = specs[name];
    if (!spec) {
      problems.push(`${where}.${name}: not an argument of ${where.split(".")[0]}`);
      continue;
    }
    checkValue(`${where}.${name}`, spec, value, problems);
  }
  for (const [name, spec] of Object.entries(specs)) {
    if (spec.required && values[name] === undefined) problems.push(`${where}.${name}: required argument missing`);
  }
}

function checkValue(where: string, spec: OciArgSpec, value: unknown, problems: string[]): void {
  if (isExpression(value)) return;
  if (spec.block) {
    const items = Array.isArray(value) ? value : [value];
    if (spec.max_items !== undefined && items.length > spec.max_items) {
      problems.push(`${where}: at most ${spec.max_items} block(s), got ${items.length}`);
    }
    if (spec.min_items !== undefined && items.length < spec.min_items) {
      problems.push(`${where}: at least ${spec.min_items} block(s), got ${items.length}`);
    }
    items.forEach((item, index) => {
      const at = items.length > 1 ? `${where}[${index}]` : where;
      if (isExpression(item)) return;
      if (typeof item !== "object" || item === null || Array.isArray(item)) {
        problems.push(`${at}: expected a block (object), got ${describe(item)}`);
        return;
      }
      checkArgs(at, spec.args ?? {}, item as Record<string, unknown>, problems);
    });
    return;
  }
  const type = spec.type ?? "string";
  if (type === "map") {
    if (typeof value !== "object" || value === null || Array.isArray(value)) problems.push(`${where}: expected a map, got ${describe(value)}`);
    return;
  }
  if (type.startsWith("list(") || type.startsWith("set(")) {
    if (!Array.isArray(value)) problems.push(`${where}: expected ${type}, got ${describe(value)}`);
    return;
  }
  const expected: Record<string, string> = { string: "string", int: "number", float: "number", bool: "boolean" };
  if (typeof value !== (expected[type] ?? "string") || (type === "int" && !Number.isInteger(value))) {
    problems.push(`${where}: expected ${type}, got ${describe(value)}`);
    return;
  }
  if (spec.allowed_values && typeof value === "string") {
    const allowed = spec.allowed_values.map((v) => v.toUpperCase());
    if (!allowed.includes(value.toUpperCase())) problems.push(`${where}: "${value}" is not one of ${spec.allowed_values.join(", ")}`);
  }
}

/** A value Terraform computes: an interpolation, or a cdktf token not yet resolved. */
function isExpression(value: unknown): boolean {
  return typeof value === "string" && (value.includes("${") || value.includes("TfToken["));
}

function describe(value: unknown): string {
  return Array.isArray(value) ? "a list" : value === null ? "null" : typeof value;
}
