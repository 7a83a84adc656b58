/** The slice of `@fnproject/fdk` (untyped) the OCI entry points use. */
declare module "@fnproject/fdk" {
  import type { FdkContext, FdkResult } from "../shared/adapters/oci-fdk";
  export function handle(fn: (input: Buffer, ctx: FdkContext) => Promise<FdkResult>, options: { inputMode: "buffer" | "string" | "json" }): () => void;
  export function rawResult(body: Buffer | string): FdkResult;
}
