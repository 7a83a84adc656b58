/**
 * Team keys on OCI Object Storage (the real oci-objectstorage SDK against the local,
 * signature-verifying object server): two instances share keys, usage and revocation.
 */
import * as common from "oci-common";
import type { ObjectStorageClient } from "oci-objectstorage";
import { TeamKeys } from "../../shared/keys/team-keys";
import { createObjectStorageClient, ObjectStorageStateStore } from "../../shared/state/object-storage-state-store";
import { startObjectStorageServer, type ObjectStorageServer } from "../object-storage-server";
import { generateTestAccount } from "../simulator";

const CACHE_MS = 300;
const owner = generateTestAccount();
const clients: ObjectStorageClient[] = [];
let server: ObjectStorageServer;

beforeAll(async () => {
  server = await startObjectStorageServer({ accounts: [owner.account] });
  // The SDK console.warns each 404/412 answer it sees; those are expected here.
  jest.spyOn(console, "warn").mockImplementation(() => {});
});
afterAll(async () => {
  jest.restoreAllMocks();
  for (const client of clients) client.close();
  await server.close();
});

function instance(): TeamKeys {
  const { tenancy, user, fingerprint } = owner.account;
  const authProvider = new common.SimpleAuthenticationDetailsProvider(tenancy, user, fingerprint, owner.privateKeyPem, null);
  const client = createObjectStorageClient({ authProvider, endpoint: server.url });
  clients.push(client);
  return new TeamKeys(new ObjectStorageStateStore({ client, namespace: server.namespace, bucket: "state", prefix: "keys-test/" }), { cacheMs: CACHE_MS });
}

test("created on one instance, used on both (usage adds up), revoked on one, refused by the other", async () => {
  const a = instance();
  const b = instance();
  const { key, report } = await a.create({ name: "oci", models: ["grok-4"], rpm: 100, tpm: null, dailyTokens: null, expiresAt: null });
  for (const keys of [a, b, a, b, b]) {
    const teamKey = await keys.authenticate(key);
    (await keys.admit(teamKey, "grok-4")).finish({ promptTokens: 10, completionTokens: 2 });
  }
  await Promise.all([a.flush(), b.flush()]);
  expect((await a.get(report.key.id)).usage.total).toEqual({ requests: 5, promptTokens: 50, completionTokens: 10 });
  expect(server.stats().rejectedSignature).toBe(0);

  await a.revoke(report.key.id);
  await new Promise((resolve) => setTimeout(resolve, CACHE_MS));
  await expect(b.authenticate(key)).rejects.toMatchObject({ refusal: { kind: "invalid_key", why: "revoked" } });
});
