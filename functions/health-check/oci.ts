/** Scheduled by OCI Resource Scheduler: probes every account and records health in Object Storage. */
import * as fdk from "@fnproject/fdk";
import { ociProbeRuntime } from "../../shared/serverless/platform-runtimes";
import { runHealthCheck } from "../../shared/serverless/run-health-check";

fdk.handle(async () => fdk.rawResult(JSON.stringify(await runHealthCheck(await ociProbeRuntime(), true))), { inputMode: "buffer" });
