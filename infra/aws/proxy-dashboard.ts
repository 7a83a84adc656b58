import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Construct } from "constructs";
import { EMF_NAMESPACE } from "../../shared/metrics/emf-request-line";

export interface ProxyDashboardProps {
  namePrefix: string;
  region: string;
  /** The chat Lambda's name, for its throttles and concurrency, and its log group (team keys' usage). */
  chatFunctionName: string;
}

type MetricRow = (string | Record<string, unknown>)[];

/**
 * A CloudWatch dashboard over the metrics the functions emit as Embedded Metric Format log
 * lines (namespace {@link EMF_NAMESPACE}): requests and failures, latency and time to first
 * token percentiles, and per-model requests and tokens through SEARCH expressions (so it
 * follows the [MODELS] in use without redeploying), plus the chat function's throttles and
 * a Logs Insights table of requests and tokens per team key (`key_id` is a plain field of the
 * lines, not a dimension: each model × key pair would be a billed custom metric).
 *
 * @example
 *   new ProxyDashboard(this, "dashboard", { namePrefix, region, chatFunctionName: chat.fn.functionName });
 */
export class ProxyDashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;

  constructor(scope: Construct, id: string, props: ProxyDashboardProps) {
    super(scope, id);
    const { region } = props;
    const metric = (name: string, stat: string, label: string): MetricRow => [EMF_NAMESPACE, name, { stat, label }];
    const search = (name: string, stat: string, id: string): MetricRow => [
      { expression: `SEARCH('{${EMF_NAMESPACE},Model} MetricName="${name}"', '${stat}', 300)`, id, label: "" },
    ];
    const widget = (title: string, x: number, y: number, metrics: MetricRow[], extra: Record<string, unknown> = {}) => ({
      type: "metric",
      x,
      y,
      width: 12,
      height: 6,
      properties: { title, region, view: "timeSeries", period: 60, stacked: false, metrics, ...extra },
    });
    const body = {
      widgets: [
        widget("Requests and failed (429/5xx) per minute", 0, 0, [metric("Requests", "Sum", "requests"), metric("Failed", "Sum", "failed")]),
        widget("Latency (ms)", 12, 0, [metric("Latency", "p50", "p50"), metric("Latency", "p95", "p95"), metric("Latency", "p99", "p99")]),
        widget("Time to first token, streams (ms)", 0, 6, [metric("TimeToFirstToken", "p50", "p50"), metric("TimeToFirstToken", "p95", "p95")]),
        widget("Upstream attempts per request", 12, 6, [metric("UpstreamAttempts", "Average", "average"), metric("UpstreamAttempts", "Maximum", "max")]),
        widget("Requests per model (5 min)", 0, 12, [search("Requests", "Sum", "requests")], { period: 300 }),
        widget("Completion tokens per model (5 min)", 12, 12, [search("CompletionTokens", "Sum", "completion")], { period: 300 }),
        widget("Prompt tokens per model (5 min)", 0, 18, [search("PromptTokens", "Sum", "prompt")], { period: 300 }),
        widget("Chat function: throttles and concurrency", 12, 18, [
          ["AWS/Lambda", "Throttles", "FunctionName", props.chatFunctionName, { stat: "Sum" }],
          ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", props.chatFunctionName, { stat: "Maximum" }],
        ]),
        {
          type: "log",
          x: 0,
          y: 24,
          width: 24,
          height: 6,
          properties: { title: "Team keys: requests and tokens (admin key: no key_id)", region, view: "table", query: keyUsageQuery(`/aws/lambda/${props.chatFunctionName}`) },
        },
      ],
    };
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      dashboardName: props.namePrefix,
      dashboardBody: JSON.stringify(body),
    });
  }
}

/**
 * Logs Insights over the chat function's request lines: requests, failures and tokens per
 * team key (`key_id`; the admin key's lines have none).
 *
 * @example
 *   keyUsageQuery("/aws/lambda/ociai-proxy-chat");
 */
export function keyUsageQuery(logGroup: string): string {
  return [
    `SOURCE '${logGroup}'`,
    "filter ispresent(key_id) and ispresent(Requests)",
    "stats sum(Requests) as requests, sum(Failed) as failed, sum(PromptTokens) as prompt_tokens, sum(CompletionTokens) as completion_tokens by key_id",
    "sort completion_tokens desc",
  ].join(" | ");
}
