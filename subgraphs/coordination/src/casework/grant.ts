import type { Context } from '../context.ts';
import type { ApplicationRow } from '../db/applications.ts';
import type { Assessment } from './assessment.ts';

/** Creates the award in the owning department on approval (slice 4); until then, none. */
export async function grantAwards(_ctx: Context, _row: ApplicationRow, _assessment: Assessment | null, _today: string): Promise<string | null> {
  return null;
}
