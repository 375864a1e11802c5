import { describe, expect, it } from 'vitest';
import { SWEEP_AWARD_COLUMNS } from '@saf/interchange';
import { SweepStreamError, chunks } from '../src/sweepStreams.ts';

/** A response whose body arrives in these pieces (split anywhere, as the network may). */
function streamed(...pieces: string[]): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream({
      start(controller) {
        for (const p of pieces) controller.enqueue(encoder.encode(p));
        controller.close();
      },
    }),
  );
}

const row = (id: string) => [id, 'UNEMPLOYMENT_BENEFIT', '654002199001011234', null, '2024-01-01', null, 'MONTHLY', 'ACTIVE'];
const chunk = (...ids: string[]) => JSON.stringify({ columns: SWEEP_AWARD_COLUMNS, rows: ids.map(row) });

async function all(res: Response): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const c of chunks(res, 'labour /sweep/awards')) out.push(c);
  return out;
}

describe('reading a sweep stream', () => {
  it('hands over each chunk, lines split across network reads, up to the end line', async () => {
    const text = `${chunk('a', 'b')}\n${chunk('c')}\n${JSON.stringify({ end: true, count: 3 })}\n`;
    const got = await all(streamed(text.slice(0, 17), text.slice(17, 90), text.slice(90)));
    expect(got).toHaveLength(2);
    expect((got[1] as { rows: unknown[][] }).rows.map((r) => r[0])).toEqual(['c']);
  });

  it('fails a stream cut short: no end line', async () => {
    await expect(all(streamed(`${chunk('a')}\n${chunk('b')}\n`))).rejects.toThrow(new SweepStreamError('labour /sweep/awards: the stream ended before its end line (cut short)'));
  });

  it('fails a stream whose end line counts other rows than came', async () => {
    await expect(all(streamed(`${chunk('a')}\n${JSON.stringify({ end: true, count: 2 })}\n`))).rejects.toThrow('the stream says 2 rows, 1 came');
  });

  it('fails a line that is not JSON, and data after the end', async () => {
    await expect(all(streamed(`${chunk('a')}\n{"rows": [\n`))).rejects.toThrow('a line of the stream is not JSON');
    await expect(all(streamed(`${JSON.stringify({ end: true, count: 0 })}\n${chunk('a')}\n`))).rejects.toThrow('data after the end of the stream');
  });

  it('takes an empty stream with its end line as no awards', async () => {
    expect(await all(streamed(`${JSON.stringify({ end: true, count: 0 })}\n`))).toEqual([]);
  });
});
