import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { identityOf, validateLine, type InterchangeRecord, type LineError } from '@saf/interchange';

export interface Reference {
  kind: 'person' | 'household';
  id: string;
  line: number;
  field: string;
}

export interface FileScan {
  lines: number;
  records: number;
  errors: LineError[];
  /** References to persons or households that the file itself does not define. */
  unresolved: Reference[];
}

/** Reads the file line by line (any size), reporting progress in bytes. */
export async function* readLines(file: string, onBytes?: (bytes: number) => void): AsyncGenerator<{ text: string; line: number }> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  let bytes = 0;
  stream.on('data', (chunk) => {
    bytes += Buffer.byteLength(chunk as string);
    onBytes?.(bytes);
  });
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    yield { text: line === 1 ? text.replace(/^\uFEFF/, '') : text, line };
  }
}

/**
 * Checks lines one at a time, as they are read: each line on its own, duplicates within the file,
 * and the references that the file does not resolve itself (to be checked against what is already
 * registered once the whole file has been seen).
 */
export class FileScanner {
  readonly errors: LineError[] = [];
  lines = 0;
  records = 0;
  private readonly firstLine = new Map<string, number>();
  private readonly persons = new Set<string>();
  private readonly households = new Set<string>();
  private readonly pending: Reference[] = [];

  /** The line's record when it is valid and new, else null (its errors are in `errors`). */
  add(text: string, line: number): InterchangeRecord | null {
    this.lines = line;
    if (text.trim() === '') return null;
    const result = validateLine(text, line);
    if (!result.ok) {
      this.errors.push(...result.errors);
      return null;
    }
    this.records++;
    const record = result.record;
    const identity = identityOf(record);
    const seen = this.firstLine.get(identity);
    if (seen !== undefined) {
      this.errors.push({ line, field: 'id', message: `${record.type} ${record.id} is already on line ${seen}` });
      return null;
    }
    this.firstLine.set(identity, line);
    switch (record.type) {
      case 'household':
        this.households.add(record.id);
        break;
      case 'person':
        this.persons.add(record.id);
        this.ref('household', record.householdId, line, 'householdId');
        break;
      case 'award':
        this.ref('person', record.personId, line, 'personId');
        this.ref('household', record.householdId, line, 'householdId');
        break;
      case 'disabilityCertificate':
        this.ref('person', record.personId, line, 'personId');
        break;
    }
    return record;
  }

  /** Notes a reference the file has not (yet) resolved itself. */
  private ref(kind: Reference['kind'], id: string | null | undefined, line: number, field: string): void {
    if (!id) return;
    if (kind === 'person' ? this.persons.has(id) : this.households.has(id)) return;
    this.pending.push({ kind, id, line, field });
  }

  /** What the whole file left: every error, and the references it does not resolve itself. */
  finish(): FileScan {
    const unresolved = this.pending.filter((r) => !(r.kind === 'person' ? this.persons.has(r.id) : this.households.has(r.id)));
    return { lines: this.lines, records: this.records, errors: this.errors, unresolved };
  }
}

/** Every line of a file through a `FileScanner` (validation only, nothing loaded). */
export async function scanFile(file: string, onBytes?: (bytes: number) => void): Promise<FileScan> {
  const scanner = new FileScanner();
  for await (const { text, line } of readLines(file, onBytes)) scanner.add(text, line);
  return scanner.finish();
}
