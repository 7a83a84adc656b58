import type { OciCohereParameterDefinition } from "./oci-chat-types";

// Cohere v1 tools describe parameters with Python-style type names.
const PYTHON_TYPES = new Map([
  ["string", "str"],
  ["integer", "int"],
  ["number", "float"],
  ["boolean", "bool"],
  ["array", "List"],
  ["object", "Dict"],
]);

/**
 * Flattens a function's JSON Schema into Cohere's `parameterDefinitions`: one entry per
 * top-level property with a type, a description and whether it is required. Cohere v1
 * cannot express nested schemas, so enum values are folded into the description where
 * the model can still see them.
 *
 * @example
 *   toCohereParameterDefinitions({ type: "object", properties: { city: { type: "string" } }, required: ["city"] });
 *   // { city: { type: "str", isRequired: true } }
 */
export function toCohereParameterDefinitions(
  schema: Record<string, unknown> | undefined,
): Record<string, OciCohereParameterDefinition> | undefined {
  const properties = schema?.properties;
  if (properties == null || typeof properties !== "object" || Array.isArray(properties)) return undefined;
  const required = Array.isArray(schema!.required) ? (schema!.required as unknown[]) : [];
  // A null prototype keeps a property called "__proto__" an ordinary key.
  const out: Record<string, OciCohereParameterDefinition> = Object.create(null);
  for (const name of Object.keys(properties)) {
    const prop = (properties as Record<string, unknown>)[name];
    const spec = prop != null && typeof prop === "object" ? (prop as Record<string, unknown>) : {};
    const def: OciCohereParameterDefinition = { type: pythonType(spec.type), isRequired: required.includes(name) };
    const description = describe(spec);
    if (description) def.description = description;
    out[name] = def;
  }
  return out;
}

function pythonType(type: unknown): string {
  // ["string", "null"] is how JSON Schema spells an optional string.
  if (Array.isArray(type)) type = type.find((t) => t !== "null");
  return (typeof type === "string" && PYTHON_TYPES.get(type)) || "any";
}

function describe(spec: Record<string, unknown>): string {
  const description = typeof spec.description === "string" ? spec.description : "";
  if (!Array.isArray(spec.enum) || spec.enum.length === 0) return description;
  const allowed = `Allowed values: ${spec.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  return description ? `${description}. ${allowed}` : allowed;
}
