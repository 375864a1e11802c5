import type { Caller } from '@saf/auth';
import type { Db } from '@saf/db';

export interface Context {
  requestId: string;
  /** Who the gateway says is asking (its signature verified); null for the gateway's own calls. */
  caller: Caller | null;
  db: Db;
}
