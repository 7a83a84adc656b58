import type { SectionReader } from "./section-reader";

/**
 * The first of `readers` that sets `key` (or the first reader, for the default), for
 * settings that may live in more than one section — single-account files accept server
 * settings in [DEFAULT] as well as [GLOBAL]. Warns when a later section's value is
 * shadowed, since the user probably edited the one that is ignored.
 *
 * @example
 *   pickReader([defaultSection, globalSection], "queue_size").parseOr("queue_size", ...)
 */
export function pickReader(readers: readonly SectionReader[], key: string): SectionReader {
  // filter, not find: every reader must record the key as known.
  const setting = readers.filter((reader) => reader.has(key));
  for (const shadowed of setting.slice(1)) {
    shadowed.warn(key, `is also set in [${setting[0].section}], which wins (ignored)`);
  }
  return setting[0] ?? readers[0];
}
