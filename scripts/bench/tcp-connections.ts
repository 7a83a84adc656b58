/**
 * Counts TCP connections to a port from /proc/net/tcp{,6} (Linux): how many distinct
 * connections a gateway opened to its upstream during a run, and how many it left in
 * TIME_WAIT — a keep-alive pool that works opens a handful, whatever the request count.
 *
 * @example
 *   const watch = new ConnectionWatcher(simPort);
 *   ...run 100 requests...
 *   const { opened, timeWait } = watch.stop();
 */
import { readFileSync } from "node:fs";

const ESTABLISHED = "01";
const TIME_WAIT = "06";

interface Entry {
  localPort: number;
  remotePort: number;
  state: string;
}

function entries(): Entry[] {
  const out: Entry[] = [];
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4) continue;
      const local = cols[1].split(":");
      const remote = cols[2].split(":");
      out.push({ localPort: parseInt(local[local.length - 1], 16), remotePort: parseInt(remote[remote.length - 1], 16), state: cols[3] });
    }
  }
  return out;
}

/** Client-side connections to `port` (their local ports), by state. */
function snapshot(port: number): { established: Set<number>; timeWait: number } {
  const established = new Set<number>();
  let timeWait = 0;
  for (const e of entries()) {
    if (e.state === TIME_WAIT && (e.remotePort === port || e.localPort === port)) timeWait++;
    else if (e.state === ESTABLISHED && e.remotePort === port) established.add(e.localPort);
  }
  return { established, timeWait };
}

export class ConnectionWatcher {
  private readonly before: Set<number>;
  private readonly seen = new Set<number>();
  private readonly timeWaitBefore: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly port: number,
    intervalMs = 5,
  ) {
    const first = snapshot(port);
    this.before = first.established;
    this.timeWaitBefore = first.timeWait;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** New connections seen since the start, and the growth of TIME_WAIT sockets on the port. */
  stop(): { opened: number; timeWait: number } {
    clearInterval(this.timer);
    this.sample();
    return { opened: this.seen.size, timeWait: Math.max(0, snapshot(this.port).timeWait - this.timeWaitBefore) };
  }

  private sample(): void {
    for (const p of snapshot(this.port).established) if (!this.before.has(p)) this.seen.add(p);
  }
}
