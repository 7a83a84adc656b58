/**
 * The StateStore contract, run against every implementation (memory, DynamoDB on
 * dynalite, Object Storage on the local object server): one suite, many backends.
 */
import { updateRecord, type StateStore } from "../../shared/state/state-store";

export function describeStateStoreContract(name: string, setup: () => Promise<{ store: StateStore; teardown?: () => Promise<void> }>): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    let teardown: (() => Promise<void>) | undefined;
    let n = 0;
    const key = (label: string) => `contract#${label}#${Date.now()}#${n++}`;

    beforeAll(async () => {
      ({ store, teardown } = await setup());
    });
    afterAll(() => teardown?.());

    test("getMany returns only the records that exist", async () => {
      const a = key("a");
      await store.compareAndSet(a, { x: 1 }, undefined);
      const found = await store.getMany<{ x: number }>([a, key("missing")]);
      expect([...found.keys()]).toEqual([a]);
      expect(found.get(a)!.value).toEqual({ x: 1 });
    });

    test("compareAndSet creates only when absent and updates only at the expected version", async () => {
      const k = key("cas");
      const v1 = await store.compareAndSet(k, { n: 1 }, undefined);
      expect(v1).toBeDefined();
      expect(await store.compareAndSet(k, { n: 99 }, undefined)).toBeUndefined();
      const v2 = await store.compareAndSet(k, { n: 2 }, v1);
      expect(v2).toBeDefined();
      expect(v2).not.toBe(v1);
      expect(await store.compareAndSet(k, { n: 3 }, v1)).toBeUndefined();
      expect((await store.getMany<{ n: number }>([k])).get(k)!.value).toEqual({ n: 2 });
    });

    test("concurrent read-modify-write updates are never lost", async () => {
      const k = key("counter");
      const writers = 8;
      await Promise.all(
        Array.from({ length: writers }, () => updateRecord<{ n: number }>(store, k, (cur) => ({ n: (cur?.n ?? 0) + 1 }), 50)),
      );
      expect((await store.getMany<{ n: number }>([k])).get(k)!.value.n).toBe(writers);
    });

    test("putIfAbsentOrExpired takes a free or expired slot, never a live one", async () => {
      const k = key("lease");
      const now = 1_000_000;
      expect(await store.putIfAbsentOrExpired(k, { owner: "a", expiresAt: now + 5_000 }, now)).toBe(true);
      expect(await store.putIfAbsentOrExpired(k, { owner: "b", expiresAt: now + 5_000 }, now + 1_000)).toBe(false);
      expect(await store.putIfAbsentOrExpired(k, { owner: "c", expiresAt: now + 20_000 }, now + 6_000)).toBe(true);
      expect((await store.getMany<{ owner: string }>([k])).get(k)!.value.owner).toBe("c");
      await store.delete(k);
      expect((await store.getMany([k])).size).toBe(0);
    });

    test("only one of many racing lease takers wins a slot", async () => {
      const k = key("race");
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => store.putIfAbsentOrExpired(k, { owner: i, expiresAt: 9e15 }, 0)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    test("increment adds atomically, creating the record", async () => {
      const k = key("inc");
      await Promise.all(Array.from({ length: 5 }, () => store.increment(k, { requests: 2, failures: 1 })));
      expect((await store.getMany<Record<string, number>>([k])).get(k)!.value).toMatchObject({ requests: 10, failures: 5 });
    });
  });
}
