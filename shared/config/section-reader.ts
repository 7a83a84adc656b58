import { ConfigError } from "./config-error";
import { suggestKey } from "./suggest-key";

/**
 * Typed access to one section's values, turning every problem into a ConfigError that
 * names file, section and key. It remembers which keys were asked for, so whatever is
 * left over is an unknown key (usually a typo) to warn about.
 *
 * @example
 *   const reader = new SectionReader("multi_config.conf", "GLOBAL", { queue_size: "2000" }, warnings);
 *   reader.parseOr("queue_size", (t) => parseInteger(t, 0), 1000) // 2000
 */
export class SectionReader {
  private readonly asked = new Set<string>();

  /**
   * @param section Section name for messages; "" for keys before the first header.
   * @param values The section as `ini.decode` returned it.
   * @param warnings Shared list that warn() appends to.
   */
  /**
   * @param missingHint Says where a missing key may have gone (a misspelt section, the
   *   wrong mode), appended to "required key is missing".
   */
  constructor(
    readonly file: string,
    readonly section: string,
    private readonly values: Record<string, unknown>,
    private readonly warnings: string[],
    private readonly missingHint: () => string = () => "",
  ) {}

  /** Whether the key is set to something non-empty. Marks the key as known. */
  has(key: string): boolean {
    return this.string(key) !== undefined;
  }

  /** The trimmed value, or undefined when the key is absent or empty. Marks the key as known. */
  string(key: string): string | undefined {
    this.asked.add(key);
    if (!Object.hasOwn(this.values, key)) return undefined;
    const text = this.toText(key, this.values[key]);
    return text === "" ? undefined : text;
  }

  /**
   * The value, or a ConfigError when it is absent or empty. A missing key's error says what
   * the user most likely did: misspelt it (`fingerprnt`), or put it where it is not read.
   */
  required(key: string, hint = ""): string {
    const text = this.string(key);
    if (text !== undefined) return text;
    if (Object.hasOwn(this.values, key)) throw this.error(key, `required key is empty${hint}`);
    const typo = suggestKey(key, this.keys().filter((k) => !this.asked.has(k)));
    const where = typo ? `; did you mean this section's "${typo}"?` : this.missingHint();
    throw this.error(key, `required key is missing${hint}${where}`);
  }

  /** Where this section's keys may have gone when it looks empty (see the constructor), or "". */
  whereMissing(): string {
    return this.missingHint();
  }

  /** Runs `parse` on the value (undefined when unset); its Error becomes a located ConfigError. */
  parse<T>(key: string, parse: (text: string) => T): T | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    try {
      return parse(text);
    } catch (err) {
      throw this.error(key, (err as Error).message);
    }
  }

  /** Like parse(), with a default for an unset key. */
  parseOr<T>(key: string, parse: (text: string) => T, fallback: T): T {
    const value = this.parse(key, parse);
    return value === undefined ? fallback : value;
  }

  /** A ConfigError located at this section (and key, if given). */
  error(key: string | undefined, reason: string): ConfigError {
    return new ConfigError(this.file, this.section, key, reason);
  }

  /** Records a warning located at this section (and key, if given). */
  warn(key: string | undefined, message: string): void {
    this.warnings.push(`${ConfigError.where(this.file, this.section, key)} ${message}`);
  }

  /** Keys present in the section, in `ini`'s order. */
  keys(): string[] {
    return Object.keys(this.values);
  }

  /** Keys present but never asked for, and the names that were asked for (for suggestions). */
  unknownKeys(): { unknown: string[]; known: string[] } {
    return { unknown: this.keys().filter((key) => !this.asked.has(key)), known: [...this.asked] };
  }

  private toText(key: string, value: unknown): string {
    if (Array.isArray(value) || (typeof value === "object" && value !== null)) {
      throw this.error(key, "expected a single value (is the key written with [] or repeated as a section?)");
    }
    // ini turns true/false/null into JS values and a bare key into `true`; settings want text.
    const text = String(value).trim();
    // ini only unquotes when the quote ends the line: `"x"  # note` reaches us as "x" with quotes.
    const quoted = /^"(.*)"$|^'(.*)'$/.exec(text);
    return quoted ? (quoted[1] ?? quoted[2]) : text;
  }
}
