import { describe, expect, it } from 'vitest';
import { HttpError } from '@saf/service';
import { assertNoControlCharacters, declaredPurpose } from '../src/inputGuard.ts';

/** The 400's message and field, or null when the input passes. */
function refusal(run: () => unknown): { message: string; field: string } | null {
  try {
    run();
    return null;
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    expect(err.status).toBe(400);
    const [error] = (err.body as { errors: { message: string; extensions: { code: string; field: string } }[] }).errors;
    expect(error!.extensions.code).toBe('BAD_USER_INPUT');
    return { message: error!.message, field: error!.extensions.field };
  }
}

describe('control characters at the gateway’s edge', () => {
  it('refuses U+0000 in a string of the query, written raw or as an escape, and says where', () => {
    expect(refusal(() => assertNoControlCharacters({ query: '{ household(id: "H\\u0000x") { id } }' }))).toEqual({ message: expect.stringMatching(/a string in the query .*U\+0000/), field: 'query' });
    expect(refusal(() => assertNoControlCharacters({ query: '{ household(id: "H\\u{1F}x") { id } }' }))?.message).toMatch(/U\+001F/);
    expect(refusal(() => assertNoControlCharacters({ query: '{ household(id: "H\u0000x") { id } }' }))).toEqual({ message: expect.stringMatching(/^the query .*U\+0000/), field: 'query' });
  });

  it('lets through what only looks like an escape, and the white space queries and notes hold', () => {
    expect(refusal(() => assertNoControlCharacters({ query: '{ note(text: "C:\\\\u0000") }' }))).toBeNull();
    expect(refusal(() => assertNoControlCharacters({ query: '{ note(text: """\\u0000""") }' }))).toBeNull();
    expect(refusal(() => assertNoControlCharacters({ query: 'query {\n\thousehold(id: "H1") { id }\r\n}', variables: { note: 'line one\nline two\ttab' } }))).toBeNull();
    expect(refusal(() => assertNoControlCharacters({ query: '{ household(id: "阿依古丽") { id } }' }))).toBeNull();
  });

  it('refuses one in the operation name, or in any variable value or key at any depth, naming it', () => {
    expect(refusal(() => assertNoControlCharacters({ query: '{ a }', operationName: 'Look\u0000' }))).toEqual({ message: expect.stringMatching(/operation name/), field: 'operationName' });
    expect(refusal(() => assertNoControlCharacters({ query: '{ a }', variables: { id: 'H\u0000x' } }))).toEqual({ message: expect.stringMatching(/^variable id .*U\+0000/), field: 'variables.id' });
    expect(refusal(() => assertNoControlCharacters({ query: '{ a }', variables: { award: { people: ['ok', { personId: '1\u0007' }] } } }))).toEqual({
      message: expect.stringMatching(/^variable award\.people\[1\]\.personId .*U\+0007/),
      field: 'variables.award.people[1].personId',
    });
    expect(refusal(() => assertNoControlCharacters({ query: '{ a }', variables: { award: { 'k\u0000': 1 } } }))?.field).toBe('variables.award');
    // The JSON text a body came from tells whether its variables need walking at all.
    const body = JSON.stringify({ query: '{ a }', variables: { ids: ['H1', 'H\u0000x'] } });
    expect(body).toContain('\\u0000');
    expect(refusal(() => assertNoControlCharacters(JSON.parse(body), body))?.field).toBe('variables.ids[1]');
    const withDel = '{"query":"{ a }","variables":{"id":"H\u007F"}}';
    expect(refusal(() => assertNoControlCharacters(JSON.parse(withDel), withDel))?.message).toMatch(/U\+007F/);
    const clean = JSON.stringify({ query: '{ a }', variables: { note: 'line\nnext' } });
    expect(refusal(() => assertNoControlCharacters(JSON.parse(clean), clean))).toBeNull();
    // GET: the variables are JSON in the URL.
    expect(refusal(() => assertNoControlCharacters({ query: '{ a }', variables: JSON.stringify({ id: 'H\u0000' }) }))?.field).toBe('variables.id');
  });

  it('walks variables nested deeper than the call stack goes', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 50_000; i++) deep = [deep];
    expect(refusal(() => assertNoControlCharacters({ query: '{ a }', variables: { deep } }))?.message).toMatch(/U\+0000/);
  });

  it('refuses a purpose with a control character, as sent or once percent-decoded, and decodes a good one', () => {
    expect(refusal(() => declaredPurpose('%00'))).toEqual({ message: expect.stringMatching(/X-Purpose header, once percent-decoded, .*U\+0000/), field: 'x-purpose' });
    expect(refusal(() => declaredPurpose('review\u0001'))).toEqual({ message: expect.stringMatching(/^the X-Purpose header contains .*U\+0001/), field: 'x-purpose' });
    expect(declaredPurpose(encodeURIComponent('低保复核'))).toBe('低保复核');
    expect(declaredPurpose('100%')).toBe('100%');
    expect(declaredPurpose('  ')).toBeNull();
    expect(declaredPurpose(undefined)).toBeNull();
  });

  it('reads a raw UTF-8 purpose (Node hands header bytes over as Latin-1) back as UTF-8', () => {
    // What Node's parser gives for `X-Purpose: 低保审核` sent as raw UTF-8 bytes.
    const asNodeReadsIt = Buffer.from('低保审核', 'utf8').toString('latin1');
    expect(asNodeReadsIt).toBe('ä½\x8eä¿\x9då®¡æ\xa0¸');
    expect(declaredPurpose(asNodeReadsIt)).toBe('低保审核');
    expect(declaredPurpose(` ${asNodeReadsIt} `)).toBe('低保审核');
  });

  it('refuses bytes that are not UTF-8 (a GBK client), saying to send the code or percent-encode', () => {
    const gbk = Buffer.from([0xb5, 0xcd, 0xb1, 0xa3]).toString('latin1'); // 低保 in GBK
    expect(refusal(() => declaredPurpose(gbk))).toEqual({ message: expect.stringMatching(/X-Purpose header is not UTF-8.*MINIMUM_LIVING_REVIEW.*percent-encoded/), field: 'x-purpose' });
  });
});
