export { awards, ingestStaging } from '@saf/department/schema';
