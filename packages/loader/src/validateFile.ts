import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { identityOf, validateLine, type LineError } from '@saf/interchange';

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
 * First pass: every line validated on its own, duplicates within the file, and the references
 * that the file does not resolve itself (to be checked against what is already registered).
 */
export async function scanFile(file: string, onBytes?: (bytes: number) => void): Promise<FileScan> {
  const errors: LineError[] = [];
  const firstLine = new Map<string, number>();
  const persons = new Set<string>();
  const households = new Set<string>();
  const pending: Reference[] = [];
  let lines = 0;
  let records = 0;
  for await (const { text, line } of readLines(file, onBytes)) {
    lines = line;
    if (text.trim() === '') continue;
    const result = validateLine(text, line);
    if (!result.ok) {
      errors.push(...result.errors);
      continue;
    }
    records++;
    const record = result.record;
    const identity = identityOf(record);
    const seen = firstLine.get(identity);
    if (seen !== undefined) {
      errors.push({ line, field: 'id', message: `${record.type} ${record.id} is already on line ${seen}` });
      continue;
    }
    firstLine.set(identity, line);
    const ref = (kind: Reference['kind'], id: string | null | undefined, field: string) => {
      if (!id) return;
      if (kind === 'person' ? persons.has(id) : households.has(id)) return;
      pending.push({ kind, id, line, field });
    };
    switch (record.type) {
      case 'household':
        households.add(record.id);
        break;
      case 'person':
        persons.add(record.id);
        ref('household', record.householdId, 'householdId');
        break;
      case 'award':
        ref('person', record.personId, 'personId');
        ref('household', record.householdId, 'householdId');
        break;
      case 'disabilityCertificate':
        ref('person', record.personId, 'personId');
        break;
    }
  }
  const unresolved = pending.filter((r) => !(r.kind === 'person' ? persons.has(r.id) : households.has(r.id)));
  return { lines, records, errors, unresolved };
}
