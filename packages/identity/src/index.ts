export * from './residentId.ts';
export * from './regionCode.ts';
