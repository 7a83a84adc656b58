/** POST /v1/chat/completions on Lambda, streamed (API Gateway REST STREAM or a Function URL). */
import { streamingLambdaHandler } from "../../shared/adapters/aws-lambda";
import { awsRuntime } from "../../shared/serverless/platform-runtimes";

export const handler = streamingLambdaHandler(awsRuntime);
