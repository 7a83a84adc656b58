/**
 * Whether a `[MODELS]` value looks like something OCI accepts as a model: an on-demand id
 * (`vendor.name`, e.g. meta.llama-3.3-70b-instruct), a model OCID (fine-tuned/imported) or
 * a dedicated AI cluster endpoint OCID. Other OCIDs (a tenancy pasted in the wrong place)
 * are rejected.
 *
 * @example
 *   isOciModelId("cohere.command-a-03-2025") // true
 *   isOciModelId("grok 4")                   // false
 */
export function isOciModelId(value: string): boolean {
  if (value.startsWith("ocid1.")) {
    return /^ocid1\.(generativeaiendpoint|generativeaimodel)\.[a-z0-9]+\.[a-z0-9-]*\.[a-z0-9._-]+$/i.test(value);
  }
  return /^[a-z0-9][a-z0-9-]*\.[a-z0-9][a-z0-9._:-]*$/i.test(value);
}
