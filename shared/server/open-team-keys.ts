import { existsSync } from "node:fs";
import { DEFAULT_STATE_CACHE_MS } from "../config/state-cache-ms";
import { TeamKeys } from "../keys/team-keys";
import type { Logger } from "../log/logger";
import { FileStateStore } from "../state/file-state-store";
import { MemoryStateStore } from "../state/memory-state-store";

export interface LocalTeamKeys {
  keys: TeamKeys;
  /** Where they are kept: the state file, or undefined for memory only. */
  file: string | undefined;
  /** Writes recorded usage and waits until the file holds it (shutdown). */
  flush(): Promise<void>;
}

/**
 * The team keys of a long-running process (the CLI): on a {@link FileStateStore} at
 * `stateFile` (written atomically, mode 0600, hashes only), so keys and their usage survive
 * a restart. A state file that exists but cannot be read or written stops the start (its
 * keys would be lost); one that cannot be created, in a read-only folder, leaves team keys
 * in memory with a warning, so a proxy that never uses them still starts.
 *
 * @example
 *   const local = await openTeamKeys(stateFileFor(config.file), { cacheMs: 1000, logger });
 *   createApp({ config, pool, logger, teamKeys: local.keys });
 *   // on shutdown, after the last request:
 *   await local.flush();
 */
export async function openTeamKeys(stateFile: string | false, { cacheMs = DEFAULT_STATE_CACHE_MS, logger }: { cacheMs?: number; logger: Logger }): Promise<LocalTeamKeys> {
  let store: FileStateStore | undefined;
  if (stateFile !== false) {
    try {
      store = await FileStateStore.open(stateFile, { logger });
    } catch (err) {
      if (existsSync(stateFile)) throw err;
      logger.warn("Team keys are kept in memory only (they will not survive a restart): cannot create the state file; set OCIAI_STATE_FILE to a writable path", {
        error: (err as Error).message,
      });
    }
  }
  // Usage reaches the file every half cache period, and twice a second even with a cache of 0.
  const flushMs = cacheMs ? cacheMs / 2 : 500;
  const keys = new TeamKeys(store ?? new MemoryStateStore(), { cacheMs, flushMs, logger });
  return {
    keys,
    file: store?.path,
    flush: async () => {
      await keys.flush();
      await store?.flush();
    },
  };
}
