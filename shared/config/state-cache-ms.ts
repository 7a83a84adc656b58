/** How long an instance trusts its cached shared state by default (pool state, team keys). */
export const DEFAULT_STATE_CACHE_MS = 1_000;

/**
 * `OCIAI_STATE_CACHE_MS`: how long an instance trusts its cached view of shared state (the
 * pool's, and team keys: a key revoked elsewhere is refused here within this long).
 * 0 reads the store on every request.
 *
 * @throws Error naming the variable when it is not a whole number of milliseconds.
 * @example
 *   stateCacheMs({ OCIAI_STATE_CACHE_MS: "250" }) // 250
 *   stateCacheMs({}) // 1000
 */
export function stateCacheMs(env: NodeJS.ProcessEnv): number {
  const text = env.OCIAI_STATE_CACHE_MS;
  if (text === undefined || text.trim() === "") return DEFAULT_STATE_CACHE_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`OCIAI_STATE_CACHE_MS must be a whole number of milliseconds (0 or more), got "${text}"`);
  return value;
}
