import { ApiGatewayDeployment } from "@cdktf/provider-aws/lib/api-gateway-deployment";
import { ApiGatewayIntegration } from "@cdktf/provider-aws/lib/api-gateway-integration";
import { ApiGatewayMethod } from "@cdktf/provider-aws/lib/api-gateway-method";
import { ApiGatewayMethodSettings } from "@cdktf/provider-aws/lib/api-gateway-method-settings";
import { ApiGatewayResource } from "@cdktf/provider-aws/lib/api-gateway-resource";
import { ApiGatewayRestApi } from "@cdktf/provider-aws/lib/api-gateway-rest-api";
import { ApiGatewayStage } from "@cdktf/provider-aws/lib/api-gateway-stage";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaPermission } from "@cdktf/provider-aws/lib/lambda-permission";
import { Fn } from "cdktf";
import { Construct } from "constructs";
import { createHash } from "node:crypto";
import type { FunctionName } from "../shared/functions";
import { routesByPath, type GatewayRoute } from "../shared/routes";
import type { ThrottleOptions } from "../shared/stack-options";

/**
 * Longest a streamed response may run. API Gateway allows up to 15 minutes for STREAM
 * integrations (buffered ones stop at 29 s), which matches the chat Lambda's 900 s.
 */
export const STREAM_TIMEOUT_MS = 900_000;

/**
 * Lambda's response-streaming invoke path (API version 2021-11-15), which API Gateway must
 * call instead of the usual `.../2015-03-31/functions/<arn>/invocations` (`invoke_arn`)
 * to stream.
 */
export function streamingInvokeUri(region: string, functionArn: string): string {
  return `arn:aws:apigateway:${region}:lambda:path/2021-11-15/functions/${functionArn}/response-streaming-invocations`;
}

/** A route path as a Lambda permission's source ARN suffix: path variables match anything. */
export function permissionPath(path: string): string {
  return path.replace(/\{[^}]+\}/g, "*");
}

export interface ProxyRestApiProps {
  namePrefix: string;
  region: string;
  stageName: string;
  routes: readonly GatewayRoute[];
  functions: Record<FunctionName, LambdaFunction>;
  throttle: ThrottleOptions;
}

/**
 * The proxy's REST API (regional): one resource per route path (the route table's "{id}"
 * and "{id+}" are API Gateway's own path variables), each route's method plus OPTIONS on
 * every path (the app answers CORS preflights itself, so CORS is answered once), all
 * Lambda proxy integrations. Streaming routes use `response_transfer_mode = STREAM` over
 * the response-streaming invoke URI; the others are buffered. Each Lambda permission
 * covers exactly one method and path of this API. The stage throttles every method, and
 * the deployment is re-created whenever a resource, method or integration changes.
 */
export class ProxyRestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  readonly stage: ApiGatewayStage;
  readonly integrations: ApiGatewayIntegration[] = [];

  constructor(scope: Construct, id: string, props: ProxyRestApiProps) {
    super(scope, id);
    this.api = new ApiGatewayRestApi(this, "api", {
      name: props.namePrefix,
      description: "OpenAI-compatible gateway in front of OCI Generative AI",
      endpointConfiguration: { types: ["REGIONAL"] },
    });

    const resources = new Map<string, ApiGatewayResource>();
    // "/" is the API's root resource, which API Gateway creates with the API.
    const resourceIdFor = (path: string): string => {
      if (path === "/") return this.api.rootResourceId;
      const existing = resources.get(path);
      if (existing) return existing.id;
      const cut = path.lastIndexOf("/");
      const parentPath = path.slice(0, cut);
      const resource = new ApiGatewayResource(this, `resource${slug(path)}`, {
        restApiId: this.api.id,
        parentId: parentPath === "" ? this.api.rootResourceId : resourceIdFor(parentPath),
        pathPart: path.slice(cut + 1),
      });
      resources.set(path, resource);
      return resource.id;
    };

    const methods: ApiGatewayMethod[] = [];
    for (const [path, routes] of routesByPath(props.routes)) {
      const resourceId = resourceIdFor(path);
      // Preflights go where the path's first route goes, buffered: the app answers them.
      const preflight = { method: "OPTIONS", fn: routes[0].fn, streaming: false };
      for (const route of [...routes, preflight]) {
        const target = props.functions[route.fn];
        const idPart = `${slug(path)}-${route.method.toLowerCase()}`;
        const method = new ApiGatewayMethod(this, `method${idPart}`, {
          restApiId: this.api.id,
          resourceId,
          httpMethod: route.method,
          // Clients authenticate with the proxy API key, which the function checks.
          authorization: "NONE",
        });
        methods.push(method);
        this.integrations.push(
          new ApiGatewayIntegration(this, `integration${idPart}`, {
            restApiId: this.api.id,
            resourceId,
            httpMethod: method.httpMethod,
            type: "AWS_PROXY",
            integrationHttpMethod: "POST",
            ...(route.streaming
              ? {
                  uri: streamingInvokeUri(props.region, target.arn),
                  // Both arguments exist in @cdktf/provider-aws 21 (AWS provider 6.25), but
                  // provider 6.25 rejects timeouts above 300000 ms even when streaming (its
                  // issue #45472, fixed in 6.26.0): the stack therefore requires >= 6.26.
                  responseTransferMode: "STREAM",
                  timeoutMilliseconds: STREAM_TIMEOUT_MS,
                }
              : { uri: target.invokeArn }),
          }),
        );
        new LambdaPermission(this, `permission${idPart}`, {
          statementId: `apigateway${idPart}`,
          action: "lambda:InvokeFunction",
          functionName: target.functionName,
          principal: "apigateway.amazonaws.com",
          // Only this API, this method, this path.
          sourceArn: `${this.api.executionArn}/*/${route.method}${permissionPath(path)}`,
        });
      }
    }

    const deployment = new ApiGatewayDeployment(this, "deployment", {
      restApiId: this.api.id,
      triggers: {
        redeployment: Fn.sha1(
          Fn.jsonencode([
            ...[...resources.values()].map((resource) => resource.id),
            ...methods.map((method) => method.id),
            ...this.integrations.flatMap((integration) => [integration.id, integration.uri]),
            // Settings that are not resource attributes, as a plain hash: a quoted JSON
            // literal inside jsonencode() would not survive cdktf's expression rendering.
            createHash("sha256").update(JSON.stringify([props.routes, STREAM_TIMEOUT_MS])).digest("hex"),
          ]),
        ),
      },
      lifecycle: { createBeforeDestroy: true },
      dependsOn: [...this.integrations],
    });

    this.stage = new ApiGatewayStage(this, "stage", {
      restApiId: this.api.id,
      deploymentId: deployment.id,
      stageName: props.stageName,
    });
    // Every method of the stage: requests over the limit get 429 from API Gateway, without a Lambda invocation.
    new ApiGatewayMethodSettings(this, "throttling", {
      restApiId: this.api.id,
      stageName: this.stage.stageName,
      methodPath: "*/*",
      settings: {
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        metricsEnabled: true,
      },
    });
  }

  /** Base URL for OpenAI clients, e.g. https://abc123.execute-api.us-east-1.amazonaws.com/prod/v1 */
  get openAiBaseUrl(): string {
    return `${this.stage.invokeUrl}/v1`;
  }
}

/** "/v1/chat/completions" → "-v1-chat-completions", "/v1/models/{id+}" → "-v1-models-id", "/" → "-root" */
function slug(path: string): string {
  if (path === "/") return "-root";
  return path.replace(/[^A-Za-z0-9]+/g, "-").replace(/-+$/, "");
}
