/**
 * Parses an account's `endpoint` override: an absolute http(s) URL, returned without
 * trailing slashes so paths can be appended.
 *
 * @example
 *   parseEndpointUrl("http://127.0.0.1:9000/") // "http://127.0.0.1:9000"
 * @throws Error with a short reason.
 */
export function parseEndpointUrl(text: string): string {
  const input = text.trim();
  let url: URL | undefined;
  try {
    url = new URL(input);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || !url.hostname) {
    throw new Error(`expected an http(s) URL such as https://inference.generativeai.us-chicago-1.oci.oraclecloud.com, got "${text}"`);
  }
  return input.replace(/\/+$/, "");
}
