/**
 * Parses `cors_origins`: "*" or a comma-separated list of origins (scheme://host[:port]).
 * Origins are normalised (lower-case host, no trailing slash) so they compare equal to the
 * browser's Origin header.
 *
 * @example
 *   parseOriginList("https://a.example.com, http://localhost:3000/")
 *   // ["https://a.example.com", "http://localhost:3000"]
 * @throws Error with a short reason.
 */
export function parseOriginList(text: string): string[] {
  const items = text.split(",").map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new Error(`expected "*" or a comma-separated list of origins, got "${text}"`);
  return items.map((item) => {
    if (item === "*") return item;
    let url: URL | undefined;
    try {
      url = new URL(item);
    } catch {
      url = undefined;
    }
    // A path, query or credentials here would never match an Origin header: reject them.
    const isOrigin = url && /^https?:$/.test(url.protocol) && url.origin === item.replace(/\/$/, "").toLowerCase();
    if (!url || !isOrigin) {
      throw new Error(`expected "*" or origins like https://app.example.com, got "${item}"`);
    }
    return url.origin;
  });
}
