/** GET /v1/models, /health, /stats/*, POST /admin/*, GET /test-oci on OCI Functions. */
import * as fdk from "@fnproject/fdk";
import { fdkHttpHandler } from "../../shared/adapters/oci-fdk";
import { ociRuntime } from "../../shared/serverless/platform-runtimes";

fdk.handle(fdkHttpHandler(ociRuntime, fdk.rawResult), { inputMode: "buffer" });
