import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Writes records (objects, or raw lines as text or bytes) as an NDJSON file in a fresh temp folder. */
export async function writeNdjson(records: (object | string | Buffer)[], name = 'data.ndjson'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'saf-'));
  const file = path.join(dir, name);
  const lines = records.map((r) => (Buffer.isBuffer(r) ? r : Buffer.from(typeof r === 'string' ? r : JSON.stringify(r))));
  await writeFile(file, Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')])));
  return file;
}
