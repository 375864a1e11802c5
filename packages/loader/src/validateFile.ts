import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { identityScope, validateLine, type InterchangeRecord, type LineError } from '@saf/interchange';

export interface Reference {
  kind: 'person' | 'household';
  id: string;
  line: number;
  field: string;
}

/** An award's household, to be checked against its person's household as civil affairs registers it. */
export interface HouseholdCheck {
  line: number;
  personId: string;
  householdId: string;
}

/** A person of the file, to be checked against civil affairs' register (one head per household, one person per ID number). */
export interface Member {
  line: number;
  personId: string;
  householdId: string;
  name: string;
  head: boolean;
}

export interface FileScan {
  lines: number;
  records: number;
  errors: LineError[];
  /** References to persons or households that the file itself does not define. */
  unresolved: Reference[];
  /** Awards naming a household, whose person the file does not define (checked against civil affairs). */
  householdChecks: HouseholdCheck[];
  /** Every person of the file. */
  members: Member[];
}

/** The error of an award whose household is not its person's (`where`: e.g. "in H1 on line 3"). */
export function householdMismatch(check: HouseholdCheck, where: string): LineError {
  return { line: check.line, field: 'householdId', message: `household ${check.householdId} is not the household of person ${check.personId}, who is ${where}` };
}

/** The error of a second head (户主) for one household (`other`: who already is, e.g. "person X on line 3"). */
export function twoHeads(member: Member, other: string): LineError {
  return { line: member.line, field: 'relation', message: `household ${member.householdId} would have two heads (户主): ${member.personId} here and ${other}; a household has one head` };
}

export interface LineBatch {
  /** The lines read from one chunk of the file, in order, without their line ends. */
  lines: string[];
  /** The 1-based number of `lines[0]`. */
  first: number;
  /**
   * The bytes the lines were decoded from: line `i` is `bytes.subarray(bounds[2 * i], bounds[2 * i + 1])`.
   * The reader reuses this buffer: it holds these lines only until the next batch is asked for.
   */
  bytes: Buffer;
  bounds: number[];
  /** Indexes (into `lines`) of the lines whose bytes are not valid UTF-8; empty almost always. */
  notUtf8: number[];
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads the file (any size) in chunks and yields the whole lines of each chunk at once, reporting
 * progress in bytes. Lines end at LF; a CR before it is dropped (CRLF files read as LF ones), and
 * a byte order mark before the first line is dropped. Each line is decoded from UTF-8 on its own:
 * an LF byte never occurs inside a multi-byte character, so a character split between two chunks
 * is whole in the line that holds it. A line that is not valid UTF-8 (a file saved as GBK, say)
 * is marked, not silently decoded with replacement characters in its names. (Per chunk, not per
 * line: an async step per line, as `readline` takes, was a tenth of the loader's time.)
 */
export async function* readLineBatches(file: string, onBytes?: (bytes: number) => void, chunkBytes = 1 << 20): AsyncGenerator<LineBatch> {
  const handle = await open(file, 'r');
  let bytes = 0;
  let line = 1;
  const batch = (buffer: Buffer, ends: number[]): LineBatch => {
    const first = line;
    const lines: string[] = [];
    const bounds: number[] = [];
    let start = 0;
    for (const lineEnd of ends) {
      let end = lineEnd;
      if (end > start && buffer[end - 1] === CR) end--;
      // A UTF-8 byte order mark (EF BB BF) before the first line.
      const from = line === 1 && end - start >= 3 && buffer[start] === 0xef && buffer[start + 1] === 0xbb && buffer[start + 2] === 0xbf ? start + 3 : start;
      lines.push(buffer.toString('utf8', from, end));
      bounds.push(from, end);
      line++;
      start = lineEnd + 1;
    }
    const notUtf8: number[] = [];
    // One check of the batch's bytes; line by line only when it fails.
    if (!isUtf8(buffer.subarray(0, ends.at(-1)))) {
      for (let i = 0; i < lines.length; i++) if (!isUtf8(buffer.subarray(bounds[2 * i], bounds[2 * i + 1]))) notUtf8.push(i);
    }
    return { lines, first, bytes: buffer, bounds, notUtf8 };
  };
  try {
    // One buffer for the whole file (grown only for a line longer than it): the part of a line
    // a read leaves incomplete moves to its front and the next read fills in after it.
    let buffer = Buffer.allocUnsafe(Math.max(1, chunkBytes));
    let filled = 0;
    for (;;) {
      if (filled === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, filled);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null);
      if (bytesRead === 0) break;
      bytes += bytesRead;
      onBytes?.(bytes);
      const end = filled + bytesRead;
      const ends: number[] = [];
      // Bytes before `filled` hold no line end: they were left over as an incomplete line.
      for (let at = buffer.indexOf(LF, filled); at !== -1 && at < end; at = buffer.indexOf(LF, at + 1)) ends.push(at);
      if (ends.length) yield batch(buffer, ends);
      const rest = ends.length ? ends.at(-1)! + 1 : 0;
      buffer.copyWithin(0, rest, end);
      filled = end - rest;
    }
    // The last line needs no line end.
    if (filled) yield batch(buffer, [filled]);
  } finally {
    await handle.close();
  }
}

/** The file's lines one at a time (1-based `line`, `utf8` false when its bytes are not UTF-8); see `readLineBatches`. */
export async function* readLines(file: string, onBytes?: (bytes: number) => void): AsyncGenerator<{ text: string; line: number; utf8: boolean }> {
  for await (const { lines, first, notUtf8 } of readLineBatches(file, onBytes)) {
    for (let i = 0; i < lines.length; i++) yield { text: lines[i]!, line: first + i, utf8: !notUtf8.includes(i) };
  }
}

export const NOT_UTF8 = 'not valid UTF-8: the file must be saved as UTF-8 (convert a GBK or GB18030 export first, e.g. iconv -f GB18030 -t UTF-8)';

/**
 * Checks lines one at a time, as they are read: each line on its own, duplicates within the file,
 * and the references that the file does not resolve itself (to be checked against what is already
 * registered once the whole file has been seen).
 */
export class FileScanner {
  readonly errors: LineError[] = [];
  lines = 0;
  records = 0;
  private readonly firstLine = new Map<string, Map<string, number>>();
  /** The persons the file defines, with their household. */
  private readonly persons = new Map<string, string>();
  private readonly households = new Set<string>();
  private readonly pending: Reference[] = [];
  /** Awards whose household is to be checked once their person is known (read later, or registered). */
  private readonly pendingHouseholds: HouseholdCheck[] = [];
  private readonly members: Member[] = [];
  /** The head (户主) the file gives each household, with its line. */
  private readonly heads = new Map<string, Member>();

  /**
   * The line's record when it is valid and new, else null (its errors are in `errors`). `utf8`
   * false: the line's bytes were not UTF-8, and `text` has replacement characters for them.
   */
  add(text: string, line: number, utf8 = true): InterchangeRecord | null {
    this.lines = line;
    if (!utf8) {
      this.errors.push({ line, field: '(line)', message: NOT_UTF8 });
      return null;
    }
    if (text.trim() === '') return null;
    const result = validateLine(text, line);
    if (!result.ok) {
      this.errors.push(...result.errors);
      return null;
    }
    this.records++;
    const record = result.record;
    // A record's identity (`identityOf`) without building a string per record: a map per scope, keyed by id.
    const scope = identityScope(record);
    let firstLine = this.firstLine.get(scope);
    if (!firstLine) this.firstLine.set(scope, (firstLine = new Map()));
    const seen = firstLine.get(record.id);
    if (seen !== undefined) {
      this.errors.push({ line, field: 'id', message: `${record.type} ${record.id} is already on line ${seen}` });
      return null;
    }
    firstLine.set(record.id, line);
    switch (record.type) {
      case 'household':
        this.households.add(record.id);
        break;
      case 'person': {
        this.persons.set(record.id, record.householdId);
        this.ref('household', record.householdId, line, 'householdId');
        const member: Member = { line, personId: record.id, householdId: record.householdId, name: record.name, head: record.relation === 'HEAD' };
        this.members.push(member);
        if (member.head) {
          const head = this.heads.get(record.householdId);
          if (head) this.errors.push(twoHeads(member, `person ${head.personId} on line ${head.line}`));
          else this.heads.set(record.householdId, member);
        }
        break;
      }
      case 'award':
        this.ref('person', record.personId, line, 'personId');
        this.ref('household', record.householdId, line, 'householdId');
        // An award paid for a household is paid to one of its members (none named: nothing to check).
        if (record.householdId) this.checkHousehold({ line, personId: record.personId, householdId: record.householdId });
        break;
      case 'disabilityCertificate':
      case 'income':
      case 'property':
      case 'payment':
        this.ref('person', record.personId, line, 'personId');
        break;
      case 'bankAccount':
        this.ref('person', record.personId, line, 'personId');
        this.ref('person', record.holderId, line, 'holderId');
        break;
      case 'standard':
        break;
    }
    return record;
  }

  /** Checks an award's household against its person's in the file, now or once the file is read. */
  private checkHousehold(check: HouseholdCheck): void {
    const household = this.persons.get(check.personId);
    if (household === undefined) this.pendingHouseholds.push(check);
    else if (household !== check.householdId) this.errors.push(this.mismatchInFile(check, household));
  }

  private mismatchInFile(check: HouseholdCheck, household: string): LineError {
    return householdMismatch(check, `in ${household} on line ${this.firstLine.get('person')?.get(check.personId)}`);
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
    // The file's own person record wins over what is registered: it replaces it.
    const householdChecks: HouseholdCheck[] = [];
    for (const check of this.pendingHouseholds) {
      const household = this.persons.get(check.personId);
      if (household === undefined) householdChecks.push(check);
      else if (household !== check.householdId) this.errors.push(this.mismatchInFile(check, household));
    }
    this.errors.sort((a, b) => a.line - b.line);
    return { lines: this.lines, records: this.records, errors: this.errors, unresolved, householdChecks, members: this.members };
  }
}

/** Every line of a file through a `FileScanner` (validation only, nothing loaded). */
export async function scanFile(file: string, onBytes?: (bytes: number) => void): Promise<FileScan> {
  const scanner = new FileScanner();
  for await (const { lines, first, notUtf8 } of readLineBatches(file, onBytes)) {
    for (let i = 0; i < lines.length; i++) scanner.add(lines[i]!, first + i, !notUtf8.includes(i));
  }
  return scanner.finish();
}
