import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTrustedOperations } from '../../gateway/src/trusted.ts';
import { TRUSTED_OPERATIONS_FILE, consoleOperations, manifestText } from '../trusted-operations.ts';

describe('the console\'s trusted operations (gateway/trusted-operations.json)', () => {
  it('are registered: the committed file is what the console sends (npm run operations)', () => {
    expect(readFileSync(TRUSTED_OPERATIONS_FILE, 'utf8')).toBe(manifestText());
    const names = consoleOperations().map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(['HouseholdPicture', 'SignInCheck', 'AccessLog', 'RequestSharing', 'DecideSharing', 'RevokeSharing', 'DataCatalogue', 'SharingUsage']));
  });

  it('the gateway refuses a file whose hash is not its document\'s', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'saf-trusted-')), 'ops.json');
    const [first] = consoleOperations();
    writeFileSync(file, JSON.stringify({ operations: [{ ...first, document: `${first!.document} ` }] }));
    expect(() => loadTrustedOperations(file)).toThrow(/is not its document's/);
    writeFileSync(file, JSON.stringify({ operations: [first] }));
    expect(loadTrustedOperations(file).get(first!.hash)).toBe(first!.document);
  });
});
