/**
 * ObjectStorageStateStore through the real oci-objectstorage SDK (request signing, ETags,
 * conditional headers) against the local object server, which verifies every signature.
 */
import * as common from "oci-common";
import type { ObjectStorageClient } from "oci-objectstorage";
import { createObjectStorageClient, ObjectStorageStateStore } from "../../shared/state/object-storage-state-store";
import { updateRecord } from "../../shared/state/state-store";
import { startObjectStorageServer, type ObjectStorageServer } from "../object-storage-server";
import { generateTestAccount, keyIdOf, signRequestHeaders } from "../simulator";
import { describeStateStoreContract } from "./state-store-contract";

const owner = generateTestAccount();
const stranger = generateTestAccount();
const BUCKET = "pool-state";
const clients: ObjectStorageClient[] = [];

function sdkClient(server: ObjectStorageServer, privateKeyPem = owner.privateKeyPem, account = owner.account): ObjectStorageClient {
  const { tenancy, user, fingerprint } = account;
  const authProvider = new common.SimpleAuthenticationDetailsProvider(tenancy, user, fingerprint, privateKeyPem, null);
  const client = createObjectStorageClient({ authProvider, endpoint: server.url });
  clients.push(client);
  return client;
}

function storeOn(server: ObjectStorageServer, client = sdkClient(server), prefix = "test/"): ObjectStorageStateStore {
  return new ObjectStorageStateStore({ client, namespace: server.namespace, bucket: BUCKET, prefix });
}

beforeAll(() => {
  // The SDK's retrier console.warns every error response (404 reads, 412 conflicts); keep output readable.
  const warn = console.warn;
  jest.spyOn(console, "warn").mockImplementation((...args: unknown[]) => {
    if (!/retr/i.test(String(args[0]))) warn(...args);
  });
});
afterAll(() => {
  jest.restoreAllMocks();
  for (const c of clients) c.close();
});

describeStateStoreContract("object storage (local server)", async () => {
  const server = await startObjectStorageServer({ accounts: [owner.account] });
  return { store: storeOn(server), teardown: () => server.close() };
});

describe("ObjectStorageStateStore on the local object server", () => {
  let server: ObjectStorageServer;
  let client: ObjectStorageClient;
  let store: ObjectStorageStateStore;
  let n = 0;
  const key = (label: string) => `oss#${label}#${Date.now()}#${n++}`;

  beforeAll(async () => {
    server = await startObjectStorageServer({ accounts: [owner.account], namespace: "axaxnpcrorw5" });
    client = sdkClient(server);
    store = storeOn(server, client);
  });
  afterAll(() => server.close());

  test("versions are the objects' ETags; keys with '#', '/', '?' and spaces are one object each", async () => {
    const k = `${key("names")}/us-chicago-1?model=cohere command`;
    const version = await store.compareAndSet(k, { ok: true }, undefined);
    const head = await client.headObject({ namespaceName: server.namespace, bucketName: BUCKET, objectName: `test/${k}` });
    expect(head.eTag).toBe(version);
    expect(Number.isNaN(new Date(head.lastModified).getTime())).toBe(false);
    expect(head.opcRequestId).toBeTruthy();
    const got = await store.getMany<{ ok: boolean }>([k, `${k}/`, k.split("/")[0]]);
    expect([...got.keys()]).toEqual([k]);
    expect(got.get(k)).toEqual({ value: { ok: true }, version });
  });

  test("an empty object value survives the round trip", async () => {
    const k = key("empty");
    await store.increment(k, {});
    expect((await store.getMany([k])).get(k)!.value).toEqual({});
  });

  test("requests signed with a key the server does not know, or the wrong key for a keyId, get 401", async () => {
    const before = server.stats().rejectedSignature;
    const unknown = storeOn(server, sdkClient(server, stranger.privateKeyPem, stranger.account));
    await expect(unknown.getMany([key("x")])).rejects.toMatchObject({ statusCode: 401, serviceCode: "NotAuthenticated" });

    // The owner's keyId, signed with someone else's private key: GET, and PUT (signed without its body).
    const forged = storeOn(server, sdkClient(server, stranger.privateKeyPem, owner.account));
    const k = key("forged");
    await expect(forged.getMany([k])).rejects.toMatchObject({ statusCode: 401 });
    await expect(forged.compareAndSet(k, { evil: true }, undefined)).rejects.toMatchObject({ statusCode: 401, serviceCode: "NotAuthenticated" });
    await expect(forged.delete(k)).rejects.toMatchObject({ statusCode: 401 });
    expect(server.stats().rejectedSignature - before).toBe(4);
    expect((await store.getMany([k])).size).toBe(0);
  });

  test("PUTs that do sign their body are checked by the simulator's verifier, body hash included", async () => {
    const url = `${server.url}/n/${server.namespace}/b/${BUCKET}/o/${encodeURIComponent(`test/${key("hand")}`)}`;
    const body = JSON.stringify({ by: "hand" });
    const headers = signRequestHeaders("PUT", url, body, { keyId: keyIdOf(owner.account), privateKey: owner.privateKeyPem });
    expect((await fetch(url, { method: "PUT", body, headers })).status).toBe(200);
    const tampered = await fetch(url, { method: "PUT", body: JSON.stringify({ by: "hanx" }), headers }); // same length
    expect(tampered.status).toBe(401);
    expect(await tampered.json()).toMatchObject({ code: "NotAuthenticated" });
  });

  test("concurrent writers (separate clients, like separate function instances) never lose an update", async () => {
    const k = key("rmw");
    const writers = 12;
    const conflictsBefore = server.stats().preconditionFailed;
    const stores = Array.from({ length: writers }, () => storeOn(server));
    await Promise.all(
      stores.map((s, i) =>
        updateRecord<{ n: number; by: number[] }>(s, k, (cur) => ({ n: (cur?.n ?? 0) + 1, by: [...(cur?.by ?? []), i] }), 50),
      ),
    );
    const final = (await store.getMany<{ n: number; by: number[] }>([k])).get(k)!.value;
    expect(final.n).toBe(writers);
    expect([...final.by].sort((a, b) => a - b)).toEqual(Array.from({ length: writers }, (_, i) => i));
    // The race really happened: the server turned conditional writes away.
    expect(server.stats().preconditionFailed).toBeGreaterThan(conflictsBefore);
  });

  test("concurrent increments from separate clients add up exactly", async () => {
    const k = key("inc");
    await Promise.all(Array.from({ length: 10 }, () => storeOn(server).increment(k, { requests: 1, tokens: 7 })));
    expect((await store.getMany<Record<string, number>>([k])).get(k)!.value).toEqual({ requests: 10, tokens: 70 });
  });

  test("the server's conditional semantics, straight through the SDK", async () => {
    const at = { namespaceName: server.namespace, bucketName: BUCKET, objectName: `raw/${key("raw")}` };
    const put = (extra: Record<string, string>, body = "{}") =>
      client.putObject({ ...at, ...extra, putObjectBody: Buffer.from(body), contentLength: Buffer.byteLength(body) });
    const etag1 = (await put({ ifNoneMatch: "*" }, '{"v":1}')).eTag;
    const etag2 = (await put({ ifMatch: etag1 }, '{"v":2}')).eTag;
    expect(etag2).not.toBe(etag1);
    await expect(put({ ifMatch: etag1 })).rejects.toMatchObject({ statusCode: 412, serviceCode: "PreconditionFailed" });
    await expect(put({ ifNoneMatch: "*" })).rejects.toMatchObject({ statusCode: 412 });
    await expect(put({ ifMatch: etag2 }, '{"v":2}').then((r) => r.eTag)).resolves.not.toBe(etag2); // same bytes, new ETag
    const missing = { ...at, objectName: `${at.objectName}-missing` };
    await expect(client.putObject({ ...missing, ifMatch: etag1, putObjectBody: "x", contentLength: 1 })).rejects.toMatchObject({ statusCode: 412 });
    await expect(client.getObject(missing)).rejects.toMatchObject({ statusCode: 404, serviceCode: "ObjectNotFound" });
    await expect(client.headObject(missing)).rejects.toMatchObject({ statusCode: 404 });
    await expect(client.deleteObject({ ...at, ifMatch: etag1 })).rejects.toMatchObject({ statusCode: 412 });
    await client.deleteObject(at);
    await expect(client.deleteObject(at)).rejects.toMatchObject({ statusCode: 404, serviceCode: "ObjectNotFound" });
  });

  test("the SDK never retries: a 503 or a 409 reaches the server exactly once", async () => {
    const k = key("noretry");
    let before = server.stats().requests;
    server.failNext(503);
    await expect(store.getMany([k])).rejects.toMatchObject({ statusCode: 503 });
    expect(server.stats().requests - before).toBe(1);

    before = server.stats().requests;
    server.failNext(503);
    await expect(store.compareAndSet(k, { a: 1 }, undefined)).rejects.toMatchObject({ statusCode: 503 });
    expect(server.stats().requests - before).toBe(1);

    // 409 IncorrectState is on the SDK's default retry list; here it is just a lost CAS.
    before = server.stats().requests;
    server.failNext(409);
    await expect(store.compareAndSet(k, { a: 1 }, undefined)).resolves.toBeUndefined();
    expect(server.stats().requests - before).toBe(1);
  });

  test("the SDK's circuit breaker is off: a run of 5xx does not stop the next request reaching the server", async () => {
    const k = key("nobreaker");
    const failures = 15; // the SDK default breaker opens after 10 requests at >= 80% errors
    server.failNext(503, failures);
    for (let i = 0; i < failures; i++) await expect(store.getMany([k])).rejects.toMatchObject({ statusCode: 503 });
    const before = server.stats().requests;
    expect(await store.compareAndSet(k, { after: "storm" }, undefined)).toBeDefined();
    expect(server.stats().requests - before).toBe(1);
  });
});
