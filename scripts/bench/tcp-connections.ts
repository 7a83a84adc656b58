/**
 * Counts TCP connections to a port from /proc/net/tcp{,6} (Linux): how many distinct
 * connections a gateway opened to its upstream during a run, and how many it left in
 * TIME_WAIT — a keep-alive pool that works opens a handful, whatever the request count.
 * Only the connections of one process count (matched by socket inode in /proc/<pid>/fd):
 * the other gateways of the run keep idle connections to the same port, and the upstream's
 * keep-alive timeout closing those must not be charged to the path being watched.
 *
 * @example
 *   const watch = new ConnectionWatcher(simPort, gatewayPid);
 *   ...run 100 requests...
 *   const { opened, timeWait } = watch.stop();
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

const ESTABLISHED = "01";
const TIME_WAIT = "06";

interface Entry {
  localPort: number;
  remotePort: number;
  state: string;
  inode: string;
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
      out.push({ localPort: parseInt(local[local.length - 1], 16), remotePort: parseInt(remote[remote.length - 1], 16), state: cols[3], inode: cols[9] });
    }
  }
  return out;
}

/** Socket inodes the process holds open. */
function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // closed between readdir and readlink
    }
  }
  return inodes;
}

/**
 * The process's client-side connections to `port` (their local ports), and the client
 * ports of every connection to `port` in TIME_WAIT (either side may hold it).
 */
function snapshot(port: number, pid: number): { established: Set<number>; timeWait: number[] } {
  const owned = socketInodes(pid);
  const established = new Set<number>();
  const timeWait: number[] = [];
  for (const e of entries()) {
    if (e.state === TIME_WAIT && e.remotePort === port) timeWait.push(e.localPort);
    else if (e.state === TIME_WAIT && e.localPort === port) timeWait.push(e.remotePort);
    else if (e.state === ESTABLISHED && e.remotePort === port && owned.has(e.inode)) established.add(e.localPort);
  }
  return { established, timeWait };
}

export class ConnectionWatcher {
  private readonly before: Set<number>;
  private readonly seen = new Set<number>();
  private readonly timeWaitBefore: Set<number>;
  private readonly timer: NodeJS.Timeout;

  /** @param pid the process whose connections count (a gateway, or the bench itself for direct calls). */
  constructor(
    private readonly port: number,
    private readonly pid: number,
    intervalMs = 5,
  ) {
    const first = snapshot(port, pid);
    this.before = first.established;
    this.timeWaitBefore = new Set(first.timeWait);
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /**
   * New connections the process opened since the start, and how many of its connections
   * (open at the start or since) went into TIME_WAIT.
   */
  stop(): { opened: number; timeWait: number } {
    clearInterval(this.timer);
    const { timeWait } = this.sample();
    const mine = timeWait.filter((p) => !this.timeWaitBefore.has(p) && (this.before.has(p) || this.seen.has(p)));
    return { opened: this.seen.size, timeWait: mine.length };
  }

  private sample(): { timeWait: number[] } {
    const now = snapshot(this.port, this.pid);
    for (const p of now.established) if (!this.before.has(p)) this.seen.add(p);
    return now;
  }
}
