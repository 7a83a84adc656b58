import {
  BatchGetItemCommand,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type KeysAndAttributes,
  type PutItemCommandInput,
} from "@aws-sdk/client-dynamodb";
import { randomInt } from "node:crypto";
import type { StateStore, VersionedRecord } from "./state-store";

/**
 * StateStore on one DynamoDB table, shared by every Lambda instance.
 *
 * Table (the deployment contract): partition key `pk` (S), no sort key, TTL attribute
 * `expiresAt`.
 *
 * Item layout — every attribute other than `pk` and `ver` is optional:
 *
 *   pk          S  the record key
 *   ver         N  version counter; the record's version is its decimal string
 *   v           S  JSON of the value (written by compareAndSet / putIfAbsentOrExpired)
 *   c_<field>   N  counter fields (written by increment, one native number per field)
 *   expiresAtMs N  copy of the value's `expiresAt` (epoch MILLISECONDS), used by the
 *                  putIfAbsentOrExpired condition: exact, and it never needs the JSON parsed
 *   expiresAt   N  the same instant in epoch SECONDS, rounded up, for DynamoDB TTL (which
 *                  only understands seconds; rounding up means TTL never removes a lease
 *                  before it has expired)
 *
 * A record is a JSON value record (`v`), a counter record (`c_*`), or — after increment
 * on a JSON record — both; its value is the parsed `v` (or `{}`) with each counter added to
 * the numeric field of the same name, which is what MemoryStateStore computes. A write
 * through compareAndSet / putIfAbsentOrExpired replaces the whole item, so counters are
 * folded back into `v` the first time a read-modify-write lands.
 *
 * The two expiry attributes are written whenever a value written as a whole has a finite
 * numeric top-level `expiresAt`, whichever method wrote it, so a lease renewed through
 * compareAndSet keeps a correct condition attribute and TTL. DynamoDB TTL deletes lazily
 * (typically within a few days), so nothing relies on it for correctness: expired leases
 * are recognised by `expiresAtMs`; TTL only keeps the table from filling with dead leases.
 *
 * Versions: a record's first version is a time-based number (epoch ms × 1000 plus a
 * random 0–999), and every write adds 1. Versions of a key therefore do not repeat when
 * the record is deleted and created again or a lease is retaken — a stale compareAndSet
 * cannot land on a new generation of the record (the ABA problem), as it cannot on
 * MemoryStateStore, whose versions are globally unique.
 */
export interface DynamoDbStateStoreOptions {
  tableName: string;
  /** Defaults to `new DynamoDBClient({})`: region, credentials and `AWS_ENDPOINT_URL_DYNAMODB` from the environment. */
  client?: DynamoDBClient;
}

const BATCH_GET_LIMIT = 100;
const BATCH_GET_ATTEMPTS = 8;
const COUNTER_PREFIX = "c_";

export class DynamoDbStateStore implements StateStore {
  private readonly tableName: string;
  private readonly client: DynamoDBClient;

  constructor(options: DynamoDbStateStoreOptions) {
    this.tableName = options.tableName;
    this.client = options.client ?? new DynamoDBClient({});
  }

  async getMany<T>(keys: readonly string[]): Promise<Map<string, VersionedRecord<T>>> {
    const unique = [...new Set(keys)]; // BatchGetItem rejects duplicate keys
    const chunks: string[][] = [];
    for (let i = 0; i < unique.length; i += BATCH_GET_LIMIT) chunks.push(unique.slice(i, i + BATCH_GET_LIMIT));
    const items = (await Promise.all(chunks.map((chunk) => this.batchGet(chunk)))).flat();
    const found = new Map<string, VersionedRecord<T>>();
    for (const item of items) {
      const key = item.pk?.S;
      if (key !== undefined) found.set(key, decode<T>(item));
    }
    return found;
  }

  async compareAndSet<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string | undefined> {
    let version: string;
    let condition: Pick<PutItemCommandInput, "ConditionExpression" | "ExpressionAttributeValues">;
    if (expectedVersion === undefined) {
      version = firstVersion();
      condition = { ConditionExpression: "attribute_not_exists(pk)" };
    } else {
      // Not one of ours (never written by this store): it cannot match, and DynamoDB would reject it as a number.
      if (!/^\d{1,38}$/.test(expectedVersion)) return undefined;
      version = (BigInt(expectedVersion) + 1n).toString();
      condition = { ConditionExpression: "ver = :expected", ExpressionAttributeValues: { ":expected": { N: expectedVersion } } };
    }
    const written = await this.conditionalPut({ TableName: this.tableName, Item: encode(key, value, version), ...condition });
    return written ? version : undefined;
  }

  async putIfAbsentOrExpired<T extends { expiresAt: number }>(key: string, value: T, now: number): Promise<boolean> {
    // Live means expiresAt > now, as in MemoryStateStore; a record without a numeric expiresAt is not live.
    return this.conditionalPut({
      TableName: this.tableName,
      Item: encode(key, value, firstVersion()),
      ConditionExpression: "attribute_not_exists(pk) OR attribute_not_exists(expiresAtMs) OR expiresAtMs <= :now",
      ExpressionAttributeValues: { ":now": { N: String(now) } },
    });
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: { pk: { S: key } } }));
  }

  async increment(key: string, deltas: Record<string, number>): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, AttributeValue> = { ":base": { N: firstVersion() }, ":one": { N: "1" } };
    const adds: string[] = [];
    Object.entries(deltas).forEach(([field, delta], i) => {
      names[`#c${i}`] = COUNTER_PREFIX + field;
      values[`:d${i}`] = { N: String(delta) };
      adds.push(`#c${i} :d${i}`);
    });
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: key } },
        UpdateExpression: `SET ver = if_not_exists(ver, :base) + :one${adds.length ? ` ADD ${adds.join(", ")}` : ""}`,
        ExpressionAttributeNames: adds.length ? names : undefined,
        ExpressionAttributeValues: values,
      }),
    );
  }

  /** One BatchGetItem chunk, retrying UnprocessedKeys (throttling, 16 MB responses) with a short backoff. */
  private async batchGet(keys: string[]): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let pending: KeysAndAttributes | undefined = { Keys: keys.map((key) => ({ pk: { S: key } })), ConsistentRead: true };
    for (let attempt = 0; pending?.Keys?.length; attempt++) {
      if (attempt === BATCH_GET_ATTEMPTS) {
        throw new Error(`dynamodb state store: ${pending.Keys.length} keys still unprocessed after ${BATCH_GET_ATTEMPTS} BatchGetItem attempts`);
      }
      if (attempt > 0) await sleep(Math.min(25 * 2 ** (attempt - 1), 500) * (0.5 + Math.random() / 2));
      const out: BatchGetItemCommandOutput = await this.client.send(new BatchGetItemCommand({ RequestItems: { [this.tableName]: pending } }));
      items.push(...(out.Responses?.[this.tableName] ?? []));
      pending = out.UnprocessedKeys?.[this.tableName];
    }
    return items;
  }

  /** PutItem whose condition failing is an answer (false), not an error. */
  private async conditionalPut(input: PutItemCommandInput): Promise<boolean> {
    try {
      await this.client.send(new PutItemCommand(input));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === "ConditionalCheckFailedException") {
        return false;
      }
      throw error;
    }
  }
}

function encode(key: string, value: unknown, version: string): Record<string, AttributeValue> {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`dynamodb state store: value for ${key} is not JSON-serialisable`);
  const item: Record<string, AttributeValue> = { pk: { S: key }, v: { S: json }, ver: { N: version } };
  const expiresAtMs = (value as { expiresAt?: unknown } | null)?.expiresAt;
  if (typeof expiresAtMs === "number" && Number.isFinite(expiresAtMs)) {
    item.expiresAtMs = { N: String(expiresAtMs) };
    item.expiresAt = { N: String(Math.ceil(expiresAtMs / 1000)) };
  }
  return item;
}

function decode<T>(item: Record<string, AttributeValue>): VersionedRecord<T> {
  let value: unknown = item.v?.S !== undefined ? JSON.parse(item.v.S) : {};
  const counters = Object.entries(item).filter(([name, attr]) => name.startsWith(COUNTER_PREFIX) && attr.N !== undefined);
  if (counters.length > 0) {
    // Counters add onto the JSON value's fields; a JSON value that is not an object cannot hold them.
    const fields: Record<string, unknown> = isPlainObject(value) ? value : {};
    for (const [name, attr] of counters) {
      const field = name.slice(COUNTER_PREFIX.length);
      const base = fields[field];
      fields[field] = (typeof base === "number" ? base : 0) + Number(attr.N);
    }
    value = fields;
  }
  return { value: value as T, version: item.ver?.N ?? "0" };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Where a new record's version counter starts: grows ~10^6 a second, far faster than one item can be written. */
function firstVersion(): string {
  return String(Date.now() * 1000 + randomInt(1000));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
