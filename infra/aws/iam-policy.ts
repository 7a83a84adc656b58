/** An IAM policy statement, written the way AWS documents it. */
export interface PolicyStatement {
  Sid?: string;
  Effect: "Allow";
  Action: string[];
  Resource?: string[];
  Principal?: { Service: string };
  Condition?: Record<string, Record<string, string>>;
}

/**
 * A policy document as a JSON string. Plain JSON.stringify rather than an
 * aws_iam_policy_document data source: the document is then visible (and assertable) in
 * the synthesized stack, and the ARNs inside are ordinary Terraform interpolations.
 *
 * @example
 *   policyDocument([{ Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: [table.arn] }])
 *   // '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["dynamodb:GetItem"],"Resource":["${aws_dynamodb_table.state.arn}"]}]}'
 */
export function policyDocument(statements: PolicyStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Trust policy letting one AWS service assume a role. */
export function assumeRolePolicy(service: string, condition?: PolicyStatement["Condition"]): string {
  return policyDocument([{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole"], ...(condition ? { Condition: condition } : {}) }]);
}
