/** Scheduled by EventBridge Scheduler: probes every account and records health in DynamoDB. */
import { awsProbeRuntime } from "../../shared/serverless/platform-runtimes";
import { runHealthCheck } from "../../shared/serverless/run-health-check";

export const handler = async () => runHealthCheck(await awsProbeRuntime(), true);
