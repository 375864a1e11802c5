import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { AUDIT_ROLES, type AuditFields } from '@saf/auth';
import { DEPARTMENTS } from '@saf/programmes';
import { HttpError, parseJson, readBody, sendJson } from '@saf/service';

/** keep in sync with subgraphs/coordination/src/sharingAudit.ts. */
const SHARING_OPERATION_PREFIX = 'sharingAgreement.';
const PATH = '/internal/sharing/audit';

const entriesSchema = z.strictObject({
  entries: z
    .array(
      z.strictObject({
        at: z.iso.datetime({ offset: true }),
        sub: z.string().min(1).max(200),
        role: z.enum(AUDIT_ROLES),
        region: z.string().max(12).nullable(),
        department: z.enum(DEPARTMENTS).nullable(),
        purpose: z.string().max(1000),
        // Only changes of sharing agreements, each naming its one agreement: nothing else is written here.
        operation: z.string().max(1000).startsWith(SHARING_OPERATION_PREFIX),
        subjectIds: z.array(z.string().regex(/^(sa-|default:)[A-Za-z0-9_:-]{1,190}$/)).length(1),
        requestId: z.string().min(1).max(200),
      }),
    )
    .min(1)
    .max(500),
});

/**
 * `POST /internal/sharing/audit`: the coordination office's record of agreement changes (issue 29),
 * signed coordination→gateway with no caller, written to the access log with the gateway's own
 * signature (the audit service takes entries from the gateway alone). Only entries of agreement
 * changes pass, so the office cannot write reads of persons here.
 */
export async function serveSharingAudit(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  options: { serviceCall: (req: IncomingMessage, body: string) => string; write: (entries: AuditFields[]) => Promise<void> },
): Promise<boolean> {
  if (url.pathname !== PATH) return false;
  if (req.method !== 'POST') throw new HttpError(405, 'POST only');
  const body = await readBody(req, 1024 * 1024);
  const from = options.serviceCall(req, body);
  if (from !== 'coordination') throw new HttpError(403, 'only the coordination office records agreement changes');
  const parsed = entriesSchema.safeParse(parseJson(body));
  if (!parsed.success) throw new HttpError(400, 'invalid entries', { error: 'invalid entries', errors: parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) });
  await options.write(parsed.data.entries);
  sendJson(res, 200, { written: parsed.data.entries.length });
  return true;
}
