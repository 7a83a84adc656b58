/**
 * What every benchmark run gets: the mode, a scratch directory for keys, configs and
 * logs, and a way to print tables as they are produced.
 */
import type { Table } from "./report";
import { renderTable } from "./report";

export interface BenchContext {
  quick: boolean;
  /** Scratch directory (keys, configs, accounts files). */
  dir: string;
  /** Child process logs. */
  logDir: string;
  /** Try the Portkey gateway as the peer. */
  portkey: boolean;
}

export function printTable(t: Table): void {
  process.stdout.write(renderTable(t) + "\n");
}

/** Progress lines go to stderr so stdout keeps only the tables. */
export function progress(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}
