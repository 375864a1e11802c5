import type { Database } from '@saf/db';
import type { Logger } from '@saf/service';

export interface Context {
  requestId: string;
  database: Database;
  log: Logger;
}
