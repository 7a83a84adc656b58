/**
 * A configuration problem, located by file, section and key so the user can go straight
 * to the line. `file` is the path as the user passed it (that is what they recognise).
 *
 * @example
 *   new ConfigError("multi_config.conf", "ACCOUNT_2", "weight", 'expected a positive integer, got "abc"').message
 *   // 'multi_config.conf [ACCOUNT_2] weight: expected a positive integer, got "abc"'
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";

  /**
   * @param section Section name without brackets; "" or undefined for the top of the file.
   * @param key Key name; undefined when the problem is the whole section or file.
   */
  constructor(
    readonly file: string,
    readonly section: string | undefined,
    readonly key: string | undefined,
    readonly reason: string,
  ) {
    super(`${ConfigError.where(file, section, key)}: ${reason}`);
  }

  /**
   * The "file [section] key" prefix, shared with warnings so both read the same.
   *
   * @example
   *   ConfigError.where("config.conf", "DEFAULT", "tenancy") // "config.conf [DEFAULT] tenancy"
   */
  static where(file: string, section?: string, key?: string): string {
    return `${file}${section ? ` [${section}]` : ""}${key ? ` ${key}` : ""}`;
  }
}
