export { auditCheckpoints, awards, dataVersions, ingestStaging } from '@saf/department/schema';
