/**
 * Histogram bucket bounds (seconds). Request durations follow the doubling series the
 * OpenTelemetry GenAI conventions recommend for `gen_ai.client.operation.duration`
 * (10 ms … 82 s), continued to 328 s because non-streamed answers may take up to
 * `non_stream_timeout` (300 s by default). Time to first token is finer below 2 s, where
 * interactive use lives, and reaches 60 s for reasoning models that think before answering.
 */
export const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84, 327.68];

export const TTFT_BUCKETS = [0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 30, 60];
