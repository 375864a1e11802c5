import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { officeOf, type Caller } from '@saf/auth';
import { HttpError } from '@saf/service';
import type { GrantSnapshot } from './sharing.ts';

export function loadTrustedOperations(file: string): Map<string, string> {
  const { operations } = JSON.parse(readFileSync(file, 'utf8')) as { operations: Array<{ hash: string; document: string }> };
  const out = new Map<string, string>();
  for (const op of operations) {
    // A file edited by hand must still say what it holds.
    if (createHash('sha256').update(op.document).digest('hex') !== op.hash) throw new Error(`${file}: the hash of ${op.hash.slice(0, 12)}… is not its document's`);
    out.set(op.hash, op.document);
  }
  return out;
}

function refused(message: string): HttpError {
  return new HttpError(403, message, { errors: [{ message, extensions: { code: 'OPERATION_NOT_REGISTERED' } }] });
}

/**
 * Trusted operations (SPEC section 12), in production: a caller runs only registered documents,
 * the console's (registered at build) and those registered against an agreement in force for the
 * caller's office (`registerSharingOperation`), sent as their text or by their sha256 hash
 * (`extensions.persistedQuery.sha256Hash`, or `documentId`), unless an agreement in force lets
 * the caller's office send ad-hoc queries (`adHocQueries`). Anything else is refused before it is
 * parsed: `OPERATION_NOT_REGISTERED`, 403. Fills in the text of a document sent by hash.
 */
export async function admitOperation(
  caller: Caller,
  body: Record<string, unknown> | undefined,
  search: URLSearchParams,
  consoleOperations: ReadonlyMap<string, string>,
  grants: () => Promise<GrantSnapshot | null>,
): Promise<void> {
  const office = officeOf(caller);
  const source = body ?? Object.fromEntries(search);
  let extensions = source.extensions;
  if (typeof extensions === 'string') {
    try {
      extensions = JSON.parse(extensions);
    } catch {
      extensions = undefined;
    }
  }
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
  const documentId = typeof source.documentId === 'string' ? source.documentId.replace(/^sha256:/, '') : undefined;
  const query = typeof source.query === 'string' ? source.query : undefined;
  const hash = query !== undefined ? createHash('sha256').update(query).digest('hex') : typeof persisted === 'string' ? persisted : documentId;
  if (!hash) throw refused('在生产环境中只能执行已登记的操作：请发送操作文本或其哈希。 In production only registered operations run: send the document or its sha256 hash.');
  let document = consoleOperations.get(hash);
  if (document === undefined) {
    const snapshot = await grants();
    const registered = snapshot?.operations.get(hash);
    if (registered?.offices.has(office)) document = registered.document;
    else if (snapshot?.adHoc.has(office) && query !== undefined) document = query;
  }
  if (document === undefined) {
    throw refused(
      `该操作未登记（${hash.slice(0, 12)}…）：生产环境中只能执行控制台的操作和依共享协议登记的操作。 This operation is not registered (${hash.slice(0, 12)}…): in production ${office} runs the console's operations and those registered against a sharing agreement (registerSharingOperation).`,
    );
  }
  if (query === undefined && body) {
    body.query = document;
    delete body.documentId;
  }
}
