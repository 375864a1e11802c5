export * from './load.ts';
export * from './targets.ts';
export * from './validateFile.ts';
