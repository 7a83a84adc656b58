import type { LoadBalanceStrategy } from "../config/types";

/** What a strategy needs to know about an account. */
export interface Pickable {
  /** Position in the pool, stable for the pool's lifetime. */
  readonly index: number;
  readonly weight: number;
  readonly inFlight: number;
}

/** Chooses one of the accounts that may take a call right now (never an empty list). */
export interface Strategy {
  pick<T extends Pickable>(candidates: readonly T[]): T;
}

/** Next account after the last one picked, in pool order, skipping ineligible ones. */
export class RoundRobin implements Strategy {
  private cursor = 0;

  pick<T extends Pickable>(candidates: readonly T[]): T {
    const chosen = candidates.find((c) => c.index >= this.cursor) ?? candidates[0];
    this.cursor = chosen.index + 1;
    return chosen;
  }
}

/**
 * Smooth weighted round robin (as in nginx): weights 3:2:1 give an exact, interleaved
 * a b a c b a over every six picks rather than a a a b b c.
 */
export class SmoothWeighted implements Strategy {
  private readonly current = new Map<number, number>();

  pick<T extends Pickable>(candidates: readonly T[]): T {
    let total = 0;
    let best: T | undefined;
    let bestScore = -Infinity;
    for (const c of candidates) {
      const score = (this.current.get(c.index) ?? 0) + c.weight;
      this.current.set(c.index, score);
      total += c.weight;
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    this.current.set(best!.index, bestScore - total);
    return best!;
  }
}

/** Fewest calls in flight; ties go round robin so equal accounts share the load. */
export class LeastConnections implements Strategy {
  private readonly tieBreak = new RoundRobin();

  pick<T extends Pickable>(candidates: readonly T[]): T {
    let least = Infinity;
    for (const c of candidates) least = Math.min(least, c.inFlight);
    return this.tieBreak.pick(candidates.filter((c) => c.inFlight === least));
  }
}

export function createStrategy(name: LoadBalanceStrategy): Strategy {
  switch (name) {
    case "round_robin":
      return new RoundRobin();
    case "weighted":
      return new SmoothWeighted();
    case "least_connections":
      return new LeastConnections();
  }
}
