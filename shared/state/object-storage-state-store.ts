/**
 * StateStore on OCI Object Storage: one JSON object per key, the object's ETag as its version,
 * and conditional PutObject (`If-Match: <etag>` / `If-None-Match: *`) as compare-and-set.
 * This is how serverless instances (OCI Functions) share pool state.
 *
 * Build the client ONCE per process (module scope / cold start) with
 * `createObjectStorageClient` and hand it to one `ObjectStorageStateStore`; never per request:
 * the client parses the private key and holds the HTTP connection pool.
 *
 * Retries belong to the proxy, not the SDK: a 412 is a CAS conflict to resolve by re-reading,
 * and a blind SDK retry of a conditional write (or a breaker tripping on them) would only add
 * latency. So every call runs with the SDK retrier at one attempt (also per request, in case
 * the caller built the client some other way), and `createObjectStorageClient` turns the SDK's
 * circuit breaker off for the client.
 *
 * Round trips: getMany = one GetObject per key, all in parallel; compareAndSet = 1 PutObject;
 * putIfAbsentOrExpired = 1 (free slot), 2 (live lease: PUT 412 + GET), 3 (expired: + PUT If-Match);
 * delete = 1; increment = 2 per attempt (GET + conditional PUT), retried on conflict.
 */
import * as common from "oci-common";
import { ObjectStorageClient, type requests } from "oci-objectstorage";
import type { StateStore, VersionedRecord } from "./state-store";

/**
 * The SDK retrier at a single attempt. `MaxAttemptsTerminationStrategy(n)` keeps n - 1 and
 * terminates once `attemptCount >= n - 1` (oci-common/lib/waiter.js), so 1 means no retry even
 * for errors the retrier considers retryable (5xx, 429, 409 IncorrectState, network errors).
 * `retryCondition` false additionally makes every service error final.
 */
export const NO_SDK_RETRIES: common.RetryConfiguration = Object.freeze({
  terminationStrategy: new common.MaxAttemptsTerminationStrategy(1),
  retryCondition: () => false,
});

export interface CreateObjectStorageClientOptions {
  /** e.g. a ResourcePrincipal provider on OCI Functions, or a SimpleAuthenticationDetailsProvider. */
  authProvider: common.AuthenticationDetailsProvider;
  /** Overrides the region's endpoint (tests: the local object server's url). */
  endpoint?: string;
  /** A Region or a region id like "eu-frankfurt-1"; defaults to the provider's region if it has one. */
  region?: common.Region | string;
}

/**
 * An ObjectStorageClient with the SDK's retries and circuit breaker off. Call once per process.
 *
 * - Retries: client-level `retryConfiguration` wins over the global default
 *   (GenericRetrier.createPreferredRetrier: request > client > global, merged over the
 *   operation's OciSdkDefaultRetryConfiguration).
 * - Breaker: `new CircuitBreaker({ disableClientCircuitBreaker: true })` has `noCircuit` set and
 *   no `circuit`, so the client keeps `_circuitBreaker = null` and
 *   `utils.isCircuitBreakerSystemEnabled` returns false, so no default breaker is created
 *   either. This is per client: the process-wide `CircuitBreaker.EnableGlobalCircuitBreaker`
 *   is left alone for other OCI clients.
 */
export function createObjectStorageClient(opts: CreateObjectStorageClientOptions): ObjectStorageClient {
  const client = new ObjectStorageClient(
    { authenticationDetailsProvider: opts.authProvider },
    {
      retryConfiguration: NO_SDK_RETRIES,
      circuitBreaker: new common.CircuitBreaker({ disableClientCircuitBreaker: true }),
    },
  );
  if (opts.region !== undefined) {
    if (typeof opts.region === "string") client.regionId = opts.region;
    else client.region = opts.region;
  }
  if (opts.endpoint !== undefined) client.endpoint = opts.endpoint;
  return client;
}

export interface ObjectStorageStateStoreOptions {
  /** Built once per process, ideally by `createObjectStorageClient`. */
  client: ObjectStorageClient;
  namespace: string;
  bucket: string;
  /** Prepended to every key to form the object name (e.g. "ociai-proxy/state/"). Default "". */
  prefix?: string;
  /** increment(): attempts before giving up under contention. Default 25. */
  maxIncrementAttempts?: number;
}

/** Conflicts the server reports for a failed precondition (409 covers concurrent-update races). */
function isConflict(err: unknown): boolean {
  const status = statusOf(err);
  return status === 412 || status === 409;
}

function statusOf(err: unknown): number | undefined {
  return typeof err === "object" && err !== null && typeof (err as { statusCode?: unknown }).statusCode === "number"
    ? (err as { statusCode: number }).statusCode
    : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ObjectStorageStateStore implements StateStore {
  private readonly client: ObjectStorageClient;
  private readonly namespace: string;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly maxIncrementAttempts: number;

  constructor(opts: ObjectStorageStateStoreOptions) {
    this.client = opts.client;
    this.namespace = opts.namespace;
    this.bucket = opts.bucket;
    this.prefix = opts.prefix ?? "";
    this.maxIncrementAttempts = opts.maxIncrementAttempts ?? 25;
  }

  async getMany<T>(keys: readonly string[]): Promise<Map<string, VersionedRecord<T>>> {
    const unique = [...new Set(keys)];
    const records = await Promise.all(unique.map((key) => this.read<T>(key)));
    const found = new Map<string, VersionedRecord<T>>();
    unique.forEach((key, i) => {
      const record = records[i];
      if (record) found.set(key, record);
    });
    return found;
  }

  async compareAndSet<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string | undefined> {
    return this.write(key, value, expectedVersion === undefined ? { ifNoneMatch: "*" } : { ifMatch: expectedVersion });
  }

  async putIfAbsentOrExpired<T extends { expiresAt: number }>(key: string, value: T, now: number): Promise<boolean> {
    // A few laps only for the case where the record vanishes between our create and our read.
    for (let lap = 0; lap < 3; lap++) {
      if ((await this.write(key, value, { ifNoneMatch: "*" })) !== undefined) return true;
      const current = await this.read<{ expiresAt?: unknown }>(key);
      if (!current) continue; // deleted meanwhile: try to create again
      const expiresAt = current.value?.expiresAt;
      if (typeof expiresAt === "number" && expiresAt > now) return false;
      // Expired (or not a lease at all): replace it, unless someone else does first.
      return (await this.write(key, value, { ifMatch: current.version })) !== undefined;
    }
    return false;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.deleteObject({ ...this.target(key), retryConfiguration: NO_SDK_RETRIES });
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  }

  async increment(key: string, deltas: Record<string, number>): Promise<void> {
    for (let attempt = 0; attempt < this.maxIncrementAttempts; attempt++) {
      const current = await this.read<Record<string, number>>(key);
      const next: Record<string, number> = { ...(current?.value ?? {}) };
      for (const [field, delta] of Object.entries(deltas)) next[field] = (next[field] ?? 0) + delta;
      if ((await this.compareAndSet(key, next, current?.version)) !== undefined) return;
      // Full jitter, 5 ms doubling to a 200 ms cap: contenders spread out instead of colliding again.
      await sleep(Math.random() * Math.min(200, 5 * 2 ** attempt));
    }
    throw new Error(`state store: ${key} kept changing under ${this.maxIncrementAttempts} attempts to increment it`);
  }

  private target(key: string): { namespaceName: string; bucketName: string; objectName: string } {
    // The SDK encodeURIComponent()s path parameters, so '#', '/', '?' in keys are safe.
    return { namespaceName: this.namespace, bucketName: this.bucket, objectName: this.prefix + key };
  }

  private async read<T>(key: string): Promise<VersionedRecord<T> | undefined> {
    let response;
    try {
      response = await this.client.getObject({ ...this.target(key), retryConfiguration: NO_SDK_RETRIES });
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
    const text = await bodyText(response.value);
    if (!response.eTag) throw new Error(`state store: GetObject ${this.prefix + key} returned no ETag`);
    return { value: JSON.parse(text) as T, version: response.eTag };
  }

  /** The new ETag, or undefined when the precondition failed. */
  private async write(key: string, value: unknown, condition: { ifMatch: string } | { ifNoneMatch: "*" }): Promise<string | undefined> {
    // A Buffer, not a string: composeRequest (oci-common request-generator.js) drops a body that
    // is exactly the string "{}", so an empty object would be stored as zero bytes.
    const body = Buffer.from(JSON.stringify(value), "utf8");
    const request: requests.PutObjectRequest = {
      ...this.target(key),
      ...condition,
      putObjectBody: body,
      contentLength: body.length,
      contentType: "application/json",
      retryConfiguration: NO_SDK_RETRIES,
    };
    try {
      const response = await this.client.putObject(request);
      if (!response.eTag) throw new Error(`state store: PutObject ${this.prefix + key} returned no ETag`);
      return response.eTag;
    } catch (err) {
      if (isConflict(err)) return undefined;
      // If-Match on an object deleted meanwhile: the local server answers 412, but should the
      // service answer 404 ObjectNotFound, that is the same lost race (not a missing bucket).
      if ("ifMatch" in condition && statusOf(err) === 404 && (err as { serviceCode?: string }).serviceCode === "ObjectNotFound") {
        return undefined;
      }
      throw err;
    }
  }
}

/** GetObject's body: a web ReadableStream (native fetch) or a Node Readable (node-fetch transport). */
async function bodyText(value: unknown): Promise<string> {
  if (value === null || value === undefined) return "";
  if (typeof (value as ReadableStream).getReader === "function") return new Response(value as ReadableStream).text();
  const chunks: Buffer[] = [];
  for await (const chunk of value as AsyncIterable<Buffer | string>) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString("utf8");
}
