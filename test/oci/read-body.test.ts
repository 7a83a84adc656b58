/** Reading upstream bodies with a bound, over a real socket. */
import http, { type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { BodyTooLargeError, readBody, readBodyPrefix } from "../../shared/oci/http-transport";
import { transportFailure } from "../../shared/oci/oci-inference-client";

let server: http.Server;
let body: Buffer;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body); // one write: arrives in chunks far larger than the bounds below
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

function get(): Promise<IncomingMessage> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => http.get(`http://127.0.0.1:${port}/`, { agent: false }, resolve).once("error", reject));
}

test("readBodyPrefix keeps exactly the bound, however large the chunks are", async () => {
  body = Buffer.alloc(256 * 1024, "e");
  const { bytes, truncated } = await readBodyPrefix(await get(), 1000);
  expect(truncated).toBe(true);
  expect(bytes.length).toBe(1000);
});

test("a body within the bound is read whole", async () => {
  body = Buffer.from('{"ok":true}');
  expect((await readBody(await get(), 1000)).toString()).toBe('{"ok":true}');
});

test("a body over the bound is refused, and that is the request's doing, not the account's", async () => {
  body = Buffer.alloc(64 * 1024, "x");
  const err = await readBody(await get(), 16 * 1024).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(BodyTooLargeError);
  const failure = transportFailure(err, "read");
  expect(failure).toMatchObject({ kind: "protocol", retryable: false, blamesAccount: false });
  expect(failure.message).toMatch(/larger than/);
});

test("a connection lost mid-answer is worded as a dropped answer, not as an unreachable OCI", () => {
  expect(transportFailure(new Error("aborted"), "read").message).toMatch(/dropped in the middle of the answer/);
  expect(transportFailure(new Error("ECONNREFUSED"), "send").message).toMatch(/could not reach OCI/);
});
