import type { StateStore } from "../../shared/state/state-store";

/** Wraps a store and counts the calls that reach it, per method (a real store underneath). */
export function countingStore<S extends StateStore>(store: S): { store: S; calls: Record<string, number>; total(): number } {
  const calls: Record<string, number> = {};
  const wrapped = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        return value.apply(target, args);
      };
    },
  });
  return { store: wrapped, calls, total: () => Object.values(calls).reduce((a, b) => a + b, 0) };
}
