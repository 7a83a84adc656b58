/**
 * Metric families kept in plain numbers on the hot path and handed to a prom-client
 * registry only when Prometheus scrapes: prom-client's registry accepts any object with a
 * name and a `get()` giving the family's values (as its own metrics and its cluster
 * aggregator do), and renders the text format from them.
 */
import type { Metric, Registry } from "prom-client";

export type MetricType = "counter" | "gauge" | "histogram";
type Labels = Record<string, string | number>;

/** One exported sample: its labels, value, and the series name when not the family's (histogram parts). */
export interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

/**
 * Registers a family whose samples are read when scraped.
 *
 * @example
 *   registerFamily(registry, "ociai_queue_length", "Requests waiting.", "gauge", () => [{ labels: {}, value: queue.length }]);
 */
export function registerFamily(registry: Registry, name: string, help: string, type: MetricType, samples: () => Sample[]): void {
  const family = {
    name,
    help,
    type,
    aggregator: "sum",
    get: () => ({ name, help, type, aggregator: "sum", values: samples() }),
    reset() {},
  };
  registry.registerMetric(family as unknown as Metric);
}

/**
 * Observations bucketed by upper bounds, counted per bucket (made cumulative when exported).
 *
 * @example
 *   const h = new HistogramCounts([0.1, 1]); h.observe(0.4);
 *   h.samples("latency_seconds", { route: "/x" }); // _bucket{le="0.1"} 0, {le="1"} 1, {le="+Inf"} 1, _sum 0.4, _count 1
 */
export class HistogramCounts {
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  /** How many values were observed. */
  get observations(): number {
    return this.count;
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    if (i < bounds.length) this.counts[i]++;
    this.sum += value;
    this.count++;
  }

  /** The Prometheus series of this histogram under `labels`. */
  samples(name: string, labels: Labels): Sample[] {
    const out: Sample[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i];
      out.push({ labels: { ...labels, le: this.bounds[i] }, value: cumulative, metricName: `${name}_bucket` });
    }
    out.push({ labels: { ...labels, le: "+Inf" }, value: this.count, metricName: `${name}_bucket` });
    out.push({ labels, value: this.sum, metricName: `${name}_sum` });
    out.push({ labels, value: this.count, metricName: `${name}_count` });
    return out;
  }
}
