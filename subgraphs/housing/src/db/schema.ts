export { awards, dataVersions, ingestStaging } from '@saf/department/schema';
