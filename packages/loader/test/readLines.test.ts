import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchBody } from '../src/load.ts';
import { NOT_UTF8, readLineBatches, readLines, scanFile } from '../src/validateFile.ts';

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

  it("gives each line's bytes as read, without its line end or byte order mark, whatever the chunk size", async () => {
    const file = await fileOf(content);
    for (const chunk of [1, 3, 7, 1 << 20]) {
      const raw: string[] = [];
      // Copied at once: the reader reuses its buffer for the next chunk.
      for await (const { lines: read, bytes, bounds } of readLineBatches(file, undefined, chunk)) read.forEach((_, i) => raw.push(bytes.toString('utf8', bounds[2 * i], bounds[2 * i + 1])));
      expect(raw, `chunks of ${chunk} bytes`).toEqual(lines);
    }
  });

  it('marks the lines that are not UTF-8, and only those', async () => {
    // 张三 in GBK, between two good lines; the chunk check fails, the lines are checked one by one.
    const file = await fileOf(Buffer.concat([Buffer.from('{"a":"额"}\n{"name":"'), Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]), Buffer.from('"}\n{"b":2}')]));
    for (const chunk of [2, 1 << 20]) {
      const marked: number[] = [];
      for await (const { first, notUtf8 } of readLineBatches(file, undefined, chunk)) marked.push(...notUtf8.map((i) => first + i));
      expect(marked, `chunks of ${chunk} bytes`).toEqual([2]);
    }
    const out: [number, boolean][] = [];
    for await (const { line, utf8 } of readLines(file)) out.push([line, utf8]);
    expect(out).toEqual([
      [1, true],
      [2, false],
      [3, true],
    ]);
  });
});

describe('scanFile', () => {
  it('names a line that is not UTF-8 (a GBK export) instead of reading replacement characters into it', async () => {
    const good = '{"type":"household","id":"H654002000001","regionCode":"654002","hukou":"URBAN","address":"伊宁市"}';
    const gbkAddress = Buffer.from([0xd2, 0xc1, 0xc4, 0xfe, 0xca, 0xd0]); // 伊宁市 in GBK
    const file = await fileOf(Buffer.concat([Buffer.from(`${good}\n${good.replace('000001', '000002').replace('伊宁市"}', '')}`), gbkAddress, Buffer.from('"}\n')]));
    const scan = await scanFile(file);
    expect(scan.records).toBe(1);
    expect(scan.errors).toEqual([{ line: 2, field: '(line)', message: NOT_UTF8 }]);
  });
});

describe('BatchBody', () => {
  it('builds the request body from the lines as read, growing past its buffer and starting afresh after a reset', () => {
    const body = new BatchBody();
    const records = [{ type: 'person', name: '阿依古丽' }, { type: 'award', details: { note: 'x'.repeat(3 << 20) } }, { type: 'household' }];
    records.forEach((record, i) => {
      const bytes = Buffer.from(`  ${JSON.stringify(record)}\r`);
      body.add(10 + i, bytes, 2, bytes.length - 1);
    });
    expect(body.count).toBe(3);
    expect(JSON.parse(body.finish().toString('utf8'))).toEqual({ records: records.map((record, i) => ({ line: 10 + i, record })) });
    body.reset();
    expect(JSON.parse(body.finish().toString('utf8'))).toEqual({ records: [] });
  });
});
