import { ociModelKind } from "../../shared/oci/oci-model-kind";

test.each([
  ["cohere.embed-english-v3.0", "embedding"],
  ["cohere.embed-v4.0", "embedding"],
  ["Cohere.Embed-Multilingual-Light-v3.0", "embedding"],
  ["cohere.rerank-v3.5", "rerank"],
  ["cohere.command-a-03-2025", "chat"],
  ["xai.grok-4", "chat"],
  ["meta.llama-3.3-70b-instruct", "chat"],
  ["ocid1.generativeaiendpoint.oc1.us-chicago-1.amaaaa", "unknown"],
  ["ocid1.generativeaimodel.oc1.us-chicago-1.amaaaa", "unknown"],
])("%s is a %s model", (id, kind) => {
  expect(ociModelKind(id)).toBe(kind);
});
