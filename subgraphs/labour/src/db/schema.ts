export { auditCheckpoints, awards, ingestStaging } from '@saf/department/schema';
