/** Raw SSE reading for tests that must see exactly what went over the wire. */
export interface RawStream {
  status: number;
  headers: Headers;
  text: string;
  /** `data:` payloads in order ([DONE] included as the string "[DONE]"). */
  data: string[];
  comments: string[];
}

export async function postRaw(url: string, apiKey: string, body: unknown, init: RequestInit = {}): Promise<RawStream> {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
    ...init,
  });
  const text = await res.text();
  const data: string[] = [];
  const comments: string[] = [];
  for (const line of text.split("\n")) {
    if (line.startsWith("data: ")) data.push(line.slice(6));
    else if (line.startsWith(":")) comments.push(line);
  }
  return { status: res.status, headers: res.headers, text, data, comments };
}
