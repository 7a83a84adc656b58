/** The inference routes (chat completions, embeddings, /v1/responses, /v1/messages) on OCI Functions (buffered: Functions do not stream). */
import * as fdk from "@fnproject/fdk";
import { fdkHttpHandler } from "../../shared/adapters/oci-fdk";
import { ociRuntime } from "../../shared/serverless/platform-runtimes";

fdk.handle(fdkHttpHandler(ociRuntime, fdk.rawResult), { inputMode: "buffer" });
