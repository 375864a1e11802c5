import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes records (objects or raw lines) as an NDJSON file in a fresh temp folder. */
export async function writeNdjson(records: (object | string)[], name = 'data.ndjson'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'saf-'));
  const file = path.join(dir, name);
  await writeFile(file, records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
  return file;
}
