export * from './records.ts';
export * from './validate.ts';
export * from './sweep.ts';
export * from './recipient.ts';
