/**
 * Checks of the name tables (JSON edited by hand: name-variants.json, name-scripts.json,
 * name-elements.json) without a schema library: the generator keys names at start-up, and loading
 * zod there would cost its command a second. Collects every issue, then throws them together.
 */
export class TableCheck {
  private readonly issues: string[] = [];

  constructor(private readonly file: string) {}

  fail(path: string, message: string): void {
    this.issues.push(`${path}: ${message}`);
  }

  /** A plain object with exactly the keys `allowed` (those in `required` present). */
  object(value: unknown, path: string, required: readonly string[], optional: readonly string[] = []): value is Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.fail(path, 'must be an object');
      return false;
    }
    for (const key of required) if (!(key in value)) this.fail(path, `lacks ${key}`);
    for (const key of Object.keys(value)) if (!required.includes(key) && !optional.includes(key)) this.fail(`${path}.${key}`, 'is not a known field');
    return true;
  }

  /** A string that `pattern` matches (with `message` otherwise). */
  string(value: unknown, path: string, pattern: RegExp = /./u, message = 'must not be empty'): value is string {
    if (typeof value !== 'string') this.fail(path, 'must be a string');
    else if (!pattern.test(value)) this.fail(path, message);
    else return true;
    return false;
  }

  /** An array of such strings (at least `min`). */
  strings(value: unknown, path: string, pattern?: RegExp, message?: string, min = 0): value is string[] {
    if (!Array.isArray(value)) {
      this.fail(path, 'must be an array');
      return false;
    }
    if (value.length < min) this.fail(path, `must hold at least ${min}`);
    return value.every((v, i) => this.string(v, `${path}[${i}]`, pattern, message));
  }

  /** An object whose keys match `key` and whose values are strings matching `pattern`. */
  table(value: unknown, path: string, key: RegExp, keyMessage: string, pattern: RegExp = /^/u, message = ''): value is Record<string, string> {
    if (!this.object(value, path, [], Object.keys((value ?? {}) as object))) return false;
    let ok = true;
    for (const [k, v] of Object.entries(value)) {
      if (!key.test(k)) {
        this.fail(`${path}.${k}`, keyMessage);
        ok = false;
      }
      ok = this.string(v, `${path}.${k}`, pattern, message) && ok;
    }
    return ok;
  }

  done(): void {
    if (this.issues.length) throw new Error(`invalid ${this.file}:\n${this.issues.join('\n')}`);
  }
}
