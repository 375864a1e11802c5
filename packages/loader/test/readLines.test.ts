import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLineBatches, readLines } from '../src/validateFile.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'saf-lines-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileOf(content: string | Buffer): Promise<string> {
  const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.ndjson`);
  await writeFile(file, content);
  return file;
}

/** Every line with its number, through chunks of `chunkBytes`. */
async function read(file: string, chunkBytes: number): Promise<[number, string][]> {
  const out: [number, string][] = [];
  for await (const { lines, first } of readLineBatches(file, undefined, chunkBytes)) lines.forEach((text, i) => out.push([first + i, text]));
  return out;
}

describe('readLineBatches', () => {
  // Multi-byte characters (3 bytes each in UTF-8), CRLF and LF ends, an empty line, no final line end.
  const lines = ['{"name":"额尔敦"}', '', '{"name":"图雅 Tuya"}', '{"a":1}', '斯琴'];
  const content = `\uFEFF${lines[0]}\r\n${lines[1]}\n${lines[2]}\r\n${lines[3]}\n${lines[4]}`;

  it('reads the same lines whatever the chunk size, even with characters split between chunks', async () => {
    const file = await fileOf(content);
    const expected = lines.map((text, i) => [i + 1, text]);
    for (const chunk of [1, 2, 3, 5, 7, 16, 1 << 20]) expect(await read(file, chunk), `chunks of ${chunk} bytes`).toEqual(expected);
  });

  it('yields nothing after a final line end, and keeps empty lines in the middle', async () => {
    expect(await read(await fileOf('a\n\nb\n'), 2)).toEqual([
      [1, 'a'],
      [2, ''],
      [3, 'b'],
    ]);
    expect(await read(await fileOf(''), 4)).toEqual([]);
  });

  it('reports the bytes read, up to the whole file', async () => {
    const file = await fileOf(content);
    const seen: number[] = [];
    for await (const batch of readLineBatches(file, (b) => seen.push(b), 8)) expect(batch.lines.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(Buffer.byteLength(content));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  it('readLines gives the same lines one at a time', async () => {
    const file = await fileOf(content);
    const out: [number, string][] = [];
    for await (const { text, line } of readLines(file)) out.push([line, text]);
    expect(out).toEqual(lines.map((text, i) => [i + 1, text]));
  });
});
