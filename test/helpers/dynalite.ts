/**
 * dynalite (the DynamoDB API on in-memory LevelDB) in-process, for tests of the DynamoDB
 * state store: no Docker, no AWS account.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";

/** dynalite ships no types: a factory returning an http(s).Server whose close() also closes its store. */
const dynalite = require("dynalite") as (options: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number }) => Server;

export const DYNALITE_REGION = "us-east-1";
export const DYNALITE_CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export async function startDynalite(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive sockets of clients that were not destroyed would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** A client for a dynalite endpoint: fake credentials (dynalite checks that requests are signed, not by whom). */
export function dynaliteClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: DYNALITE_REGION, credentials: DYNALITE_CREDENTIALS });
}

/** Creates a table with the state store's deployment schema and waits until it is ACTIVE. */
export async function createStateTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  for (let attempt = 0; ; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === "ACTIVE") break;
    if (attempt === 100) throw new Error(`table ${name} still ${Table?.TableStatus} after 100 checks`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true } }));
  } catch (error) {
    // dynalite 4 implements DescribeTimeToLive (always DISABLED) but not UpdateTimeToLive, and never
    // expires items anyway; the store does not rely on TTL for correctness, so carry on without it.
    if ((error as { name?: string }).name !== "UnknownOperationException") throw error;
  }
}
