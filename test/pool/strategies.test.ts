/**
 * The load-balancing strategies on their own: which account each pick lands on, for a
 * fixed list of candidates and for candidates that come and go (busy, open, cooling).
 */
import { LeastConnections, RoundRobin, SmoothWeighted, createStrategy, type Pickable, type Strategy } from "../../shared/pool/strategies";
import { mulberry32 as seededRandom } from "../helpers/random";

interface Acct extends Pickable {
  name: string;
  weight: number;
  inFlight: number;
}

function accounts(weights: number[]): Acct[] {
  return weights.map((weight, index) => ({ index, weight, inFlight: 0, name: String.fromCharCode(97 + index) }));
}

function picks(strategy: Strategy, candidates: readonly Acct[], n: number): string[] {
  return Array.from({ length: n }, () => strategy.pick(candidates).name);
}

function countBy(names: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const n of names) counts[n] = (counts[n] ?? 0) + 1;
  return counts;
}

describe("round robin", () => {
  test("cycles through the accounts in pool order", () => {
    expect(picks(new RoundRobin(), accounts([1, 1, 1]), 7)).toEqual(["a", "b", "c", "a", "b", "c", "a"]);
  });

  test("skips a missing candidate and carries on after the one it picked", () => {
    const [a, b, c, d] = accounts([1, 1, 1, 1]);
    const rr = new RoundRobin();
    expect(rr.pick([a, b, c, d]).name).toBe("a");
    // b is busy: the next in order is c, not a restart at a.
    expect(rr.pick([a, c, d]).name).toBe("c");
    expect(rr.pick([a, b, c, d]).name).toBe("d");
    // Wraps around to the first present candidate.
    expect(rr.pick([b, c]).name).toBe("b");
    expect(rr.pick([a, b, c, d]).name).toBe("c");
  });

  test("ignores weights", () => {
    expect(countBy(picks(new RoundRobin(), accounts([5, 1, 1]), 30))).toEqual({ a: 10, b: 10, c: 10 });
  });
});

describe("smooth weighted round robin", () => {
  test("weights 3:2:1 give exactly 30/20/10 over 60 picks", () => {
    expect(countBy(picks(new SmoothWeighted(), accounts([3, 2, 1]), 60))).toEqual({ a: 30, b: 20, c: 10 });
  });

  test("the picks are interleaved as nginx does it: a b a c b a, repeating", () => {
    const sequence = picks(new SmoothWeighted(), accounts([3, 2, 1]), 60);
    expect(sequence.slice(0, 6)).toEqual(["a", "b", "a", "c", "b", "a"]);
    // Every window of 6 consecutive picks (not only the aligned ones) respects the weights.
    const share: Record<string, number> = { a: 3, b: 2, c: 1 };
    for (let start = 0; start + 6 <= sequence.length; start++) {
      const window = countBy(sequence.slice(start, start + 6));
      for (const [name, count] of Object.entries(window)) expect(count).toBeLessThanOrEqual(share[name]);
    }
  });

  test("a heavy account is spread out, not picked in a burst (5:1:1 → a a b a c a a)", () => {
    expect(picks(new SmoothWeighted(), accounts([5, 1, 1]), 7)).toEqual(["a", "a", "b", "a", "c", "a", "a"]);
  });

  test("equal weights behave as round robin", () => {
    expect(picks(new SmoothWeighted(), accounts([2, 2, 2]), 6)).toEqual(["a", "b", "c", "a", "b", "c"]);
  });

  test("an account that is not a candidate is never picked, and the others keep their ratio", () => {
    const [a, b, c] = accounts([3, 2, 1]);
    const sww = new SmoothWeighted();
    const names = Array.from({ length: 50 }, () => sww.pick([a, b]).name);
    expect(countBy(names)).toEqual({ a: 30, b: 20 });
    expect(names).not.toContain(c.name);
  });
});

describe("least connections", () => {
  test("picks the account with the fewest calls in flight", () => {
    const [a, b, c] = accounts([1, 1, 1]);
    a.inFlight = 3;
    b.inFlight = 1;
    c.inFlight = 2;
    const lc = new LeastConnections();
    expect(lc.pick([a, b, c]).name).toBe("b");
    b.inFlight = 5;
    expect(lc.pick([a, b, c]).name).toBe("c");
  });

  test("breaks ties round robin", () => {
    const [a, b, c] = accounts([1, 1, 1]);
    const lc = new LeastConnections();
    expect(picks(lc, [a, b, c], 6)).toEqual(["a", "b", "c", "a", "b", "c"]);
    // Only a and c tie for the minimum: they alternate, b (busier) is never chosen.
    b.inFlight = 1;
    expect(picks(lc, [a, b, c], 4)).toEqual(["a", "c", "a", "c"]);
  });

  test("fills up evenly when every pick takes a slot", () => {
    const all = accounts([1, 1, 1]);
    const lc = new LeastConnections();
    for (let i = 0; i < 12; i++) lc.pick(all).inFlight++;
    expect(all.map((a) => a.inFlight)).toEqual([4, 4, 4]);
  });

  test("ignores weights", () => {
    const [a, b] = accounts([10, 1]);
    a.inFlight = 1;
    expect(new LeastConnections().pick([a, b]).name).toBe("b");
  });
});

test("createStrategy maps config names to strategies", () => {
  expect(createStrategy("round_robin")).toBeInstanceOf(RoundRobin);
  expect(createStrategy("weighted")).toBeInstanceOf(SmoothWeighted);
  expect(createStrategy("least_connections")).toBeInstanceOf(LeastConnections);
});

describe("smooth weighted round robin, property-style (seeded)", () => {
  test("over k·Σweights picks every account gets exactly k·weight (200 random weight vectors)", () => {
    const random = seededRandom(0x5eed);
    const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
    for (let vector = 0; vector < 200; vector++) {
      const weights = Array.from({ length: int(1, 8) }, () => int(1, 10));
      const total = weights.reduce((s, w) => s + w, 0);
      const k = int(1, 5);
      const all = accounts(weights);
      const sww = new SmoothWeighted();
      const counts = new Array<number>(weights.length).fill(0);
      for (let i = 0; i < k * total; i++) counts[sww.pick(all).index]++;
      // Fail with the vector in the message, so a failure is reproducible by hand.
      expect({ weights, k, counts }).toEqual({ weights, k, counts: weights.map((w) => k * w) });
    }
  });

  test("every prefix of the sequence stays close to its exact share (fewer than n_accounts picks off)", () => {
    const random = seededRandom(42);
    for (let vector = 0; vector < 100; vector++) {
      const weights = Array.from({ length: 1 + Math.floor(random() * 8) }, () => 1 + Math.floor(random() * 10));
      const total = weights.reduce((s, w) => s + w, 0);
      const all = accounts(weights);
      const sww = new SmoothWeighted();
      const counts = new Array<number>(weights.length).fill(0);
      let worst = 0;
      for (let n = 1; n <= 3 * total; n++) {
        counts[sww.pick(all).index]++;
        // SWRR keeps every account less than n_accounts picks away from its ideal share at all times.
        counts.forEach((count, i) => (worst = Math.max(worst, Math.abs(count - (n * weights[i]) / total))));
      }
      expect({ weights, worst: worst < weights.length }).toEqual({ weights, worst: true });
    }
  });

  test("with random accounts missing at each step, the always-present ones still share by weight", () => {
    const random = seededRandom(7);
    for (let vector = 0; vector < 30; vector++) {
      const n = 3 + Math.floor(random() * 6);
      const weights = Array.from({ length: n }, () => 1 + Math.floor(random() * 10));
      const all = accounts(weights);
      // The first two accounts are always candidates; each other one is missing half the time.
      const sww = new SmoothWeighted();
      const counts = new Array<number>(n).fill(0);
      const steps = 5_000;
      for (let step = 0; step < steps; step++) {
        const candidates = all.filter((a) => a.index < 2 || random() < 0.5);
        const chosen = sww.pick(candidates);
        if (!candidates.includes(chosen)) throw new Error(`picked ${chosen.name}, which was not a candidate`);
        counts[chosen.index]++;
      }
      const [w0, w1] = weights;
      const observed = counts[0] / (counts[0] + counts[1]);
      const expected = w0 / (w0 + w1);
      // Not exact: frozen scores of accounts that come and go bias SWRR a little (as in
      // nginx); the worst vector here, 1:2 beside two flapping 9s, gets 0.39 for 0.33.
      expect({ weights, withinTolerance: Math.abs(observed - expected) < 0.07 }).toEqual({ weights, withinTolerance: true });
    }
  });
});
