/**
 * `npm run audit:verify`: checks the access log's keyed hash chain (asking the running audit
 * service, which alone holds the chain key) and compares it with the checkpoints its witnesses,
 * the departments' services, keep in their own databases (scripts/auditVerify.ts). Prints
 * `access log intact: N entries, head SEQ HASH; K witnessed checkpoints of W witnesses agree` and
 * exits 0, or `access log broken at entry SEQ: reason` with every problem named and exits 1. Exits
 * 2 when it cannot check (the audit service cannot be asked, or no witness answered). Reads the
 * same environment as `npm start`: the services' URLs (AUDIT_URL, LABOUR_URL, …, else
 * SUBGRAPH_PORT_BASE + offset), their signing secrets like the gateway's, AUDIT_WITNESSES.
 */
import { auditVerify } from './auditVerify.ts';

auditVerify().then(
  (result) => {
    process.stdout.write(result.out);
    process.stderr.write(result.err);
    process.exit(result.code);
  },
  (err) => {
    process.stderr.write(`audit:verify failed: ${(err as Error).message}\n`);
    process.exit(2);
  },
);
