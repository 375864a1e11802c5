export * from './records.ts';
export * from './validate.ts';
