const MINUTE_MS = 60_000;

/**
 * EventBridge Scheduler `rate()` expression for the health-check interval. The scheduler's
 * finest granularity is one minute, so shorter intervals (the default is 30s) round up to
 * one minute, and everything else rounds up to whole minutes.
 *
 * @example
 *   awsRateExpression(30_000)    // "rate(1 minute)"
 *   awsRateExpression(90_000)    // "rate(2 minutes)"
 *   awsRateExpression(7_200_000) // "rate(2 hours)"
 */
export function awsRateExpression(intervalMs: number): string {
  const minutes = Math.max(1, Math.ceil(intervalMs / MINUTE_MS));
  if (minutes % 1440 === 0) return plural(minutes / 1440, "day");
  if (minutes % 60 === 0) return plural(minutes / 60, "hour");
  return plural(minutes, "minute");
}

function plural(value: number, unit: string): string {
  return `rate(${value} ${unit}${value === 1 ? "" : "s"})`;
}

/** Steps that divide an hour / a day evenly, so a cron step never leaves a short gap at the wrap. */
const MINUTE_STEPS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12];

/**
 * Five-field UNIX cron expression for OCI Resource Scheduler (`recurrence_type = "CRON"`).
 * Cron cannot express sub-minute intervals, and a step that does not divide the hour
 * leaves a short gap when the minute wraps (e.g. every 7 minutes runs at :56 and :00), so
 * the interval rounds UP to the next step that divides an hour (or, past an hour, a day).
 *
 * @example
 *   ociCronExpression(30_000)     // "* * * * *"      (every minute)
 *   ociCronExpression(7 * 60_000) // "*\/10 * * * *"  (every 10 minutes)
 *   ociCronExpression(45 * 60_000) // "0 * * * *"      (every hour)
 *   ociCronExpression(5 * 3_600_000) // "0 *\/6 * * *"
 */
export function ociCronExpression(intervalMs: number): string {
  const minutes = Math.max(1, Math.ceil(intervalMs / MINUTE_MS));
  const minuteStep = MINUTE_STEPS.find((candidate) => candidate >= minutes);
  if (minuteStep !== undefined) return minuteStep === 1 ? "* * * * *" : `*/${minuteStep} * * * *`;
  const hours = Math.ceil(minutes / 60);
  if (hours >= 24) return "0 0 * * *";
  const step = HOUR_STEPS.find((candidate) => candidate >= hours) ?? 12;
  return step === 1 ? "0 * * * *" : `0 */${step} * * *`;
}
