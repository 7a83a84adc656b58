/**
 * A key's usage as one JSON record: totals, today (UTC), per model, last use, and the
 * requests and tokens of the last minute in 5-second buckets (what rpm and tpm are checked
 * against). The same shape serves as the shared record in the store, as an instance's view
 * of it, and as a batch of not-yet-written deltas, so merging is one function.
 *
 * Pure data and functions that change it in place: no I/O, no clock of their own.
 */
export interface UsageFigures {
  requests: number;
  promptTokens: number;
  completionTokens: number;
}

/** [bucket stamp (time / BUCKET_MS), requests, tokens] */
export type WindowBucket = [stamp: number, requests: number, tokens: number];

export interface KeyUsage {
  total: UsageFigures;
  /** The UTC day (days since the epoch) that `today` and each model's `today` count. */
  day: number;
  today: UsageFigures;
  models: Record<string, { total: UsageFigures; today: UsageFigures }>;
  lastUsedAt: number | null;
  /** Buckets of the last minute, oldest first. */
  window: WindowBucket[];
}

export const WINDOW_MS = 60_000;
/** rpm and tpm slide in steps of this; Retry-After is exact to it. */
export const BUCKET_MS = 5_000;
const BUCKETS = WINDOW_MS / BUCKET_MS;
const DAY_MS = 86_400_000;

export const utcDay = (now: number): number => Math.floor(now / DAY_MS);

/** Time left until the next 00:00 UTC. */
export const msToUtcMidnight = (now: number): number => (utcDay(now) + 1) * DAY_MS - now;

/** "2025-06-01" for a UTC day number. */
export const utcDate = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

const zero = (): UsageFigures => ({ requests: 0, promptTokens: 0, completionTokens: 0 });

/**
 * @example
 *   const pending = emptyUsage(clock.now());
 */
export function emptyUsage(now: number): KeyUsage {
  return { total: zero(), day: utcDay(now), today: zero(), models: {}, lastUsedAt: null, window: [] };
}

/**
 * Adds one use to `usage` in place: `requests` when a request is admitted, tokens when its
 * answer ends. Rolls `today` over at UTC midnight.
 *
 * @example
 *   recordUse(view, "grok-4", now, 1, 0, 0);      // admitted
 *   recordUse(view, "grok-4", later, 0, 812, 95); // answer ended
 */
export function recordUse(usage: KeyUsage, model: string, now: number, requests: number, promptTokens: number, completionTokens: number): void {
  const day = utcDay(now);
  if (day > usage.day) rollDay(usage, day);
  const entry = modelEntry(usage, model);
  addUse(usage.total, requests, promptTokens, completionTokens);
  addUse(entry.total, requests, promptTokens, completionTokens);
  // A use stamped before the view's day (clocks a little apart) counts in the totals only.
  if (day === usage.day) {
    addUse(usage.today, requests, promptTokens, completionTokens);
    addUse(entry.today, requests, promptTokens, completionTokens);
  }
  if (usage.lastUsedAt === null || now > usage.lastUsedAt) usage.lastUsedAt = now;
  addToBucket(usage.window, Math.floor(now / BUCKET_MS), requests, promptTokens + completionTokens);
  pruneWindow(usage, now);
}

/**
 * Adds a batch of deltas (same shape) onto `target` in place. Deltas of an earlier day than
 * the target's add to the totals only: that day's "today" is over.
 *
 * @example
 *   mergeUsage(shared, pendingBatch, now) // what a flush writes
 */
export function mergeUsage(target: KeyUsage, delta: KeyUsage, now: number): void {
  if (delta.day > target.day) rollDay(target, delta.day);
  const sameDay = delta.day === target.day;
  addFigures(target.total, delta.total);
  if (sameDay) addFigures(target.today, delta.today);
  for (const [name, figures] of Object.entries(delta.models)) {
    const entry = modelEntry(target, name);
    addFigures(entry.total, figures.total);
    if (sameDay) addFigures(entry.today, figures.today);
  }
  if (delta.lastUsedAt !== null && (target.lastUsedAt === null || delta.lastUsedAt > target.lastUsedAt)) target.lastUsedAt = delta.lastUsedAt;
  for (const [stamp, requests, tokens] of delta.window) addToBucket(target.window, stamp, requests, tokens);
  pruneWindow(target, now);
}

/** Requests and tokens in the sliding minute ending now. */
export function lastMinute(usage: KeyUsage, now: number): { requests: number; tokens: number } {
  const oldest = Math.floor(now / BUCKET_MS) - BUCKETS + 1;
  let requests = 0;
  let tokens = 0;
  for (const [stamp, r, t] of usage.window) {
    if (stamp < oldest) continue;
    requests += r;
    tokens += t;
  }
  return { requests, tokens };
}

/**
 * How long until the sliding minute's requests (field 1) or tokens (field 2) fall below
 * `limit`, as buckets age out. At least one bucket step when nothing would age out.
 */
export function msUntilBelow(usage: KeyUsage, now: number, field: 1 | 2, limit: number): number {
  const oldest = Math.floor(now / BUCKET_MS) - BUCKETS + 1;
  let sum = 0;
  for (const bucket of usage.window) if (bucket[0] >= oldest) sum += bucket[field];
  for (const bucket of usage.window) {
    if (bucket[0] < oldest) continue;
    sum -= bucket[field];
    // The bucket leaves the window when the window's oldest stamp passes it.
    if (sum < limit) return Math.max(0, (bucket[0] + BUCKETS) * BUCKET_MS - now);
  }
  return BUCKET_MS;
}

/** Prompt + completion tokens of the current UTC day. */
export function tokensToday(usage: KeyUsage, now: number): number {
  return usage.day === utcDay(now) ? usage.today.promptTokens + usage.today.completionTokens : 0;
}

/** A record from the store, or anything else, as a usable KeyUsage (a damaged record reads as empty, not as a crash). */
export function toKeyUsage(value: unknown, now: number): KeyUsage {
  const usage = value as Partial<KeyUsage> | undefined;
  if (!usage || typeof usage !== "object" || typeof usage.day !== "number" || !usage.total || !usage.today || !Array.isArray(usage.window)) {
    return emptyUsage(now);
  }
  return { ...emptyUsage(now), ...usage, models: usage.models ?? {} } as KeyUsage;
}

function rollDay(usage: KeyUsage, day: number): void {
  usage.day = day;
  usage.today = zero();
  for (const name in usage.models) usage.models[name].today = zero();
}

function modelEntry(usage: KeyUsage, name: string): { total: UsageFigures; today: UsageFigures } {
  if (Object.hasOwn(usage.models, name)) return usage.models[name];
  const entry = { total: zero(), today: zero() };
  // defineProperty: a model named "__proto__" must be a field, not the prototype.
  Object.defineProperty(usage.models, name, { value: entry, enumerable: true, writable: true, configurable: true });
  return entry;
}

function addFigures(target: UsageFigures, delta: UsageFigures): void {
  addUse(target, delta.requests, delta.promptTokens, delta.completionTokens);
}

function addUse(target: UsageFigures, requests: number, promptTokens: number, completionTokens: number): void {
  target.requests += requests;
  target.promptTokens += promptTokens;
  target.completionTokens += completionTokens;
}

function addToBucket(window: WindowBucket[], stamp: number, requests: number, tokens: number): void {
  // Nearly always the newest bucket or a new one at the end; a late delta walks back.
  for (let i = window.length - 1; i >= 0; i--) {
    const bucket = window[i];
    if (bucket[0] === stamp) {
      bucket[1] += requests;
      bucket[2] += tokens;
      return;
    }
    if (bucket[0] < stamp) {
      window.splice(i + 1, 0, [stamp, requests, tokens]);
      return;
    }
  }
  window.unshift([stamp, requests, tokens]);
}

function pruneWindow(usage: KeyUsage, now: number): void {
  const oldest = Math.floor(now / BUCKET_MS) - BUCKETS + 1;
  let drop = 0;
  while (drop < usage.window.length && usage.window[drop][0] < oldest) drop++;
  if (drop > 0) usage.window.splice(0, drop);
}
