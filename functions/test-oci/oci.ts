/**
 * `fn invoke <app> test-oci`: a 1-token chat on every account, as JSON. Through the API
 * Gateway (GET /test-oci) it is the app's authenticated route instead.
 */
import * as fdk from "@fnproject/fdk";
import { fdkHttpHandler, type FdkContext } from "../../shared/adapters/oci-fdk";
import { ociProbeRuntime } from "../../shared/serverless/platform-runtimes";
import { runHealthCheck } from "../../shared/serverless/run-health-check";

const viaGateway = fdkHttpHandler(ociProbeRuntime, fdk.rawResult);

fdk.handle(
  async (input: Buffer, ctx: FdkContext) => {
    if (ctx.httpGateway.method) return viaGateway(input, ctx);
    return fdk.rawResult(JSON.stringify(await runHealthCheck(await ociProbeRuntime(), false)));
  },
  { inputMode: "buffer" },
);
