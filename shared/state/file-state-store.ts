import { readFile } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import { silentLogger, type Logger } from "../log/logger";
import { MemoryStateStore } from "./memory-state-store";
import { writePrivateFileAtomic } from "./write-private-file";

const FORMAT = "ociai-proxy state";

interface StateFile {
  format: typeof FORMAT;
  version: 1;
  records: Record<string, unknown>;
}

/**
 * The state file that belongs to a config file: beside it, named after it
 * (`/etc/ociai/config.conf` → `/etc/ociai/config.state.json`).
 *
 * @example
 *   const store = await FileStateStore.open(stateFileFor(config.file));
 */
export function stateFileFor(configFile: string): string {
  return join(dirname(configFile), `${basename(configFile, extname(configFile))}.state.json`);
}

/**
 * The CLI's durable store: {@link MemoryStateStore} semantics (versions, compare-and-set,
 * leases, increments) with every change written to one JSON file, atomically and with mode
 * 0600, so team keys (held only as hashes) and their usage survive a restart.
 *
 * Each write resolves once a file holding it is on disk; writes that arrive meanwhile share
 * the next file write. A failed file write is logged and retried with the next change: the
 * process keeps serving from memory. Versions restart after a restart (nobody holds one
 * across it).
 *
 * @example
 *   const store = await FileStateStore.open("/etc/ociai/config.state.json", { logger });
 *   await store.compareAndSet("keys#registry", { keys: [] }, undefined); // on disk when this resolves
 */
export class FileStateStore extends MemoryStateStore {
  private readonly keys = new Set<string>();
  private dirty = false;
  private saving: Promise<void> | undefined;
  private lastError: string | undefined;

  private constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {
    super();
  }

  /**
   * Loads the file (a missing one starts empty and is created), and checks it can be written.
   *
   * @throws Error naming the file when it is not a state file or cannot be read or written.
   */
  static async open(path: string, options: { logger?: Logger } = {}): Promise<FileStateStore> {
    const store = new FileStateStore(path, options.logger ?? silentLogger);
    let text: string | undefined;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`state file ${path}: ${(err as Error).message}`);
    }
    if (text !== undefined) {
      for (const [key, value] of Object.entries(parseStateFile(path, text))) await store.restore(key, value);
    }
    try {
      // Written once now: a folder that cannot take the file fails the start, not a later request.
      await writePrivateFileAtomic(path, store.render(await store.snapshot()));
    } catch (err) {
      throw new Error(`state file ${path}: cannot write it: ${(err as Error).message}`);
    }
    return store;
  }

  override async compareAndSet<T>(key: string, value: T, expectedVersion: string | undefined): Promise<string | undefined> {
    const version = await super.compareAndSet(key, value, expectedVersion);
    if (version !== undefined) await this.changed(key, true);
    return version;
  }

  override async putIfAbsentOrExpired<T extends { expiresAt: number }>(key: string, value: T, now: number): Promise<boolean> {
    const taken = await super.putIfAbsentOrExpired(key, value, now);
    if (taken) await this.changed(key, true);
    return taken;
  }

  override async delete(key: string): Promise<void> {
    await super.delete(key);
    await this.changed(key, false);
  }

  override async increment(key: string, deltas: Record<string, number>): Promise<void> {
    await super.increment(key, deltas);
    await this.changed(key, true);
  }

  /** Resolves once everything changed so far is on disk (or its write failed and was logged). */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
  }

  private async restore(key: string, value: unknown): Promise<void> {
    await super.compareAndSet(key, value, undefined);
    this.keys.add(key);
  }

  private changed(key: string, present: boolean): Promise<void> {
    if (present) this.keys.add(key);
    else this.keys.delete(key);
    this.dirty = true;
    this.saving ??= this.save().finally(() => (this.saving = undefined));
    return this.saving;
  }

  /** Writes files until one holds every change made so far. */
  private async save(): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      try {
        await writePrivateFileAtomic(this.path, this.render(await this.snapshot()));
        if (this.lastError) this.logger.info("state file written again", { file: this.path });
        this.lastError = undefined;
      } catch (err) {
        const message = (err as Error).message;
        if (message !== this.lastError) this.logger.error("state file write failed; serving from memory, retrying with the next change", { file: this.path, error: message });
        this.lastError = message;
        return;
      }
    }
  }

  private async snapshot(): Promise<Record<string, unknown>> {
    const records: Record<string, unknown> = {};
    for (const [key, record] of await super.getMany([...this.keys])) records[key] = record.value;
    return records;
  }

  private render(records: Record<string, unknown>): string {
    const file: StateFile = { format: FORMAT, version: 1, records };
    return JSON.stringify(file);
  }
}

function parseStateFile(path: string, text: string): Record<string, unknown> {
  let file: Partial<StateFile>;
  try {
    file = JSON.parse(text);
  } catch (err) {
    throw new Error(`state file ${path}: not valid JSON (${(err as Error).message}); fix or move it away`);
  }
  if (file?.format !== FORMAT || file.version !== 1 || typeof file.records !== "object" || file.records === null) {
    throw new Error(`state file ${path}: not an ociai-proxy state file (version 1); fix or move it away`);
  }
  return file.records;
}
