/** `aws lambda invoke`: a 1-token chat on every account, reported per account (nothing recorded). */
import { awsProbeRuntime } from "../../shared/serverless/platform-runtimes";
import { runHealthCheck } from "../../shared/serverless/run-health-check";

export const handler = async () => runHealthCheck(await awsProbeRuntime(), false);
