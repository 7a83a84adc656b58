/** Reads a Prometheus text exposition with a real parser (prom2javascript) for assertions. */
import { Readable } from "node:stream";
import { getMetricsFromStream, type PromData, type PromHistogramData, type PromMetrics } from "prom2javascript";

export type { PromMetrics };

/**
 * NaN is a valid sample value (Prometheus reads it with Go's ParseFloat, any case; prom-client
 * writes "Nan" for Node's event-loop-lag gauges before their first sample), but
 * prom2javascript rejects it: such lines are left out before parsing.
 */
export function parseExposition(text: string): Promise<PromMetrics> {
  const lines = text.split("\n").filter((line) => !/\s[Nn]a[Nn]$/.test(line));
  return getMetricsFromStream(Readable.from([lines.join("\n")]));
}

function matches(labels: Record<string, string>, want: Record<string, string>): boolean {
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

/** The value of the one sample of `family` whose labels include `labels` (undefined if none). */
export function sampleValue(metrics: PromMetrics, family: string, labels: Record<string, string> = {}): number | undefined {
  const data = (metrics[family]?.data ?? []) as PromData[];
  const found = data.filter((d) => matches(d.labels, labels));
  if (found.length > 1) throw new Error(`${family}${JSON.stringify(labels)} matches ${found.length} series`);
  return found[0]?.value;
}

/** The histogram series of `family` whose labels include `labels`. */
export function histogram(metrics: PromMetrics, family: string, labels: Record<string, string>): PromHistogramData | undefined {
  return ((metrics[family]?.data ?? []) as PromHistogramData[]).find((d) => matches(d.labels, labels));
}
