/** The CloudWatch dashboard reads exactly the metrics the EMF request lines emit. */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { ProxyDashboard } from "../../infra/aws/proxy-dashboard";
import { EMF_NAMESPACE, emfRequestLine } from "../../shared/metrics/emf-request-line";
import { resources, synth } from "./helpers";

test("dashboard widgets use the EMF namespace and metric names the functions write", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "dash");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new ProxyDashboard(stack, "dashboard", { namePrefix: "ociai-proxy", region: "eu-west-1", chatFunctionName: "ociai-proxy-chat" });
  const [dashboard] = resources(synth(stack), "aws_cloudwatch_dashboard");
  expect(dashboard.dashboard_name).toBe("ociai-proxy");
  const body = JSON.parse(dashboard.dashboard_body as string);

  const line = JSON.parse(emfRequestLine({ endpoint: "/v1/chat/completions", model: "grok-4", status: 200, durationMs: 1, ttftMs: 1, promptTokens: 1, completionTokens: 1, attempts: 1 }));
  const emitted = new Set(line._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name));
  const used = new Set<string>();
  for (const w of body.widgets) {
    expect(w.properties.region).toBe("eu-west-1");
    if (w.type === "log") continue;
    for (const row of w.properties.metrics) {
      if (row[0] === EMF_NAMESPACE) used.add(row[1]);
      const expression = row[0]?.expression as string | undefined;
      if (expression) {
        expect(expression).toContain(`{${EMF_NAMESPACE},Model}`);
        used.add(/MetricName="(\w+)"/.exec(expression)![1]);
      }
    }
  }
  expect([...used].filter((name) => !emitted.has(name))).toEqual([]);
  expect(used).toEqual(new Set(["Requests", "Failed", "Latency", "TimeToFirstToken", "UpstreamAttempts", "CompletionTokens", "PromptTokens"]));
});

test("the team-key table queries the chat function's request lines by key_id and the EMF fields they carry", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "dash");
  new AwsProvider(stack, "aws", { region: "eu-west-1" });
  new ProxyDashboard(stack, "dashboard", { namePrefix: "ociai-proxy", region: "eu-west-1", chatFunctionName: "ociai-proxy-chat" });
  const [dashboard] = resources(synth(stack), "aws_cloudwatch_dashboard");
  const logs = JSON.parse(dashboard.dashboard_body as string).widgets.filter((w: { type: string }) => w.type === "log");
  expect(logs).toHaveLength(1);
  const query: string = logs[0].properties.query;
  expect(query.startsWith("SOURCE '/aws/lambda/ociai-proxy-chat' |")).toBe(true);
  // Every field it reads is in a team key's EMF line.
  const line = JSON.parse(emfRequestLine({ endpoint: "/v1/chat/completions", model: "grok-4", status: 200, durationMs: 1, promptTokens: 1, completionTokens: 1 }, { key_id: "key_1" }));
  for (const field of query.match(/\b(?:ispresent|sum)\((\w+)\)/g)!.map((m) => /\((\w+)\)/.exec(m)![1])) expect(line).toHaveProperty(field);
  expect(query).toMatch(/by key_id/);
});
