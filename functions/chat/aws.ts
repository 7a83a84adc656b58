/** The inference routes (chat completions, embeddings, /v1/responses, /v1/messages) on Lambda, streamed (API Gateway REST STREAM or a Function URL). */
import { streamingLambdaHandler } from "../../shared/adapters/aws-lambda";
import { awsRuntime } from "../../shared/serverless/platform-runtimes";

export const handler = streamingLambdaHandler(awsRuntime);
