/** GET /v1/models, /health, /stats/*, POST /admin/*, GET /test-oci on Lambda (buffered). */
import { bufferedLambdaHandler } from "../../shared/adapters/aws-lambda";
import { awsRuntime } from "../../shared/serverless/platform-runtimes";

export const handler = bufferedLambdaHandler(awsRuntime);
