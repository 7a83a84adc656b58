/** CloudWatch Embedded Metric Format checks: the specification's published JSON schema and its prose rules. */
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const schema = JSON.parse(readFileSync(join(__dirname, "../fixtures/cloudwatch/emf-schema.json"), "utf8"));
const validateSchema = new Ajv({ strict: false }).compile(schema);

/** The specification's rules the schema does not express (section "Embedded metric format document structure"). */
function specViolations(doc: any): string[] {
  const problems: string[] = [];
  for (const directive of doc._aws.CloudWatchMetrics) {
    if (directive.Metrics.length > 100) problems.push("more than 100 MetricDefinitions");
    for (const set of directive.Dimensions) {
      for (const key of set) if (typeof doc[key] !== "string" || doc[key].length === 0) problems.push(`dimension target ${key} is not a non-empty string`);
    }
    for (const { Name } of directive.Metrics) {
      const value = doc[Name];
      const numeric = typeof value === "number" || (Array.isArray(value) && value.length <= 100 && value.every((v) => typeof v === "number"));
      if (!numeric) problems.push(`metric target ${Name} is not numeric`);
    }
  }
  return problems;
}

/** Why `doc` is not a valid EMF document (schema errors and rule violations); [] when it is. */
export function emfProblems(doc: any): string[] {
  const schemaErrors = validateSchema(doc) ? [] : (validateSchema.errors ?? []).map((e) => `schema: ${e.instancePath} ${e.message}`);
  return [...schemaErrors, ...(Array.isArray(doc?._aws?.CloudWatchMetrics) ? specViolations(doc) : [])];
}
