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

/**
 * OCI Resource Scheduler runs a schedule at most once an hour: the API refuses more
 * frequent recurrences ("Frequency cannot be higher than HOURLY"), and Oracle's guide to
 * scheduling functions speaks of running them each week, day or hour.
 */
export const OCI_SCHEDULE_MIN_INTERVAL_MS = 3_600_000;

/** Hour steps that divide a day evenly, so a cron step never leaves a short gap at midnight. */
const HOUR_STEPS = [1, 2, 3, 4, 6, 8, 12];

/**
 * Five-field UNIX cron expression for OCI Resource Scheduler (`recurrence_type = "CRON"`).
 * Intervals under an hour become hourly (the service's shortest; the stack warns), and
 * longer ones round UP to a step that divides a day, up to daily.
 *
 * @example
 *   ociCronExpression(30_000)        // "0 * * * *"     (hourly: the shortest OCI allows)
 *   ociCronExpression(5 * 3_600_000) // "0 *\/6 * * *"
 *   ociCronExpression(48 * 3_600_000) // "0 0 * * *"    (daily)
 */
export function ociCronExpression(intervalMs: number): string {
  const hours = Math.max(1, Math.ceil(intervalMs / OCI_SCHEDULE_MIN_INTERVAL_MS));
  const step = HOUR_STEPS.find((candidate) => candidate >= hours);
  if (step === undefined) return "0 0 * * *";
  return step === 1 ? "0 * * * *" : `0 */${step} * * *`;
}
