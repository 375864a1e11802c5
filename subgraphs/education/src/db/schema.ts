export { auditCheckpoints, awards, dataVersions, ingestStaging, payments } from '@saf/department/schema';
