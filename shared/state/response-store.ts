import { gunzipSync, gzipSync } from "node:zlib";
import type { StateStore } from "./state-store";

/** A stored Responses API response: what GET returns and what a follow-up continues from. */
export interface StoredResponse<Response = unknown, Item = unknown> {
  response: Response;
  /** The conversation the response answered: earlier turns' items, then its own input. */
  input: Item[];
  /** The id of the team key that created it (absent: the admin key). Only that key, and the admin key, can see it. */
  owner?: string;
}

/** Above this much JSON a record is stored gzipped: DynamoDB items stop at 400 KB. */
const GZIP_ABOVE = 64 * 1024;

type Record = { expiresAt: number } & ({ stored: StoredResponse } | { gzip: string });

const keyOf = (id: string) => `response#${id}`;

/**
 * Stored responses (`store` not false) on the shared {@link StateStore}, so a follow-up
 * with `previous_response_id` can land on any instance: one record per response, with an
 * `expiresAt` (DynamoDB's TTL attribute; checked on every read, so memory and Object
 * Storage expire them too). Large conversations are gzipped.
 *
 * @example
 *   const store = new ResponseStore(stateStore, 30 * 86_400_000);
 *   await store.save(response.id, { response, input });
 *   (await store.get(response.id))?.response.status; // "completed"
 */
export class ResponseStore {
  constructor(
    private readonly store: StateStore,
    /** How long a response is kept; 0 keeps none. */
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether responses are kept at all (`responses_ttl` > 0). */
  get enabled(): boolean {
    return this.ttlMs > 0;
  }

  async save(id: string, value: StoredResponse): Promise<void> {
    if (!this.enabled) return;
    const expiresAt = this.now() + this.ttlMs;
    const json = JSON.stringify(value);
    const record: Record = json.length > GZIP_ABOVE ? { expiresAt, gzip: gzipSync(json).toString("base64") } : { expiresAt, stored: value };
    // Ids are fresh random values: a create that finds the key taken is a bug, not a race.
    if ((await this.store.compareAndSet(keyOf(id), record, undefined)) === undefined) throw new Error(`response ${id} is already stored`);
  }

  /** The stored response, or undefined when it never existed, was deleted or has expired. */
  async get<Response, Item>(id: string): Promise<StoredResponse<Response, Item> | undefined> {
    const record = (await this.store.getMany<Record>([keyOf(id)])).get(keyOf(id))?.value;
    if (record === undefined || !(record.expiresAt > this.now())) return undefined;
    if ("stored" in record) return record.stored as StoredResponse<Response, Item>;
    return JSON.parse(gunzipSync(Buffer.from(record.gzip, "base64")).toString("utf8"));
  }

  /** Deletes it; false when there was nothing (live) to delete. */
  async delete(id: string): Promise<boolean> {
    if ((await this.get(id)) === undefined) return false;
    await this.store.delete(keyOf(id));
    return true;
  }
}
