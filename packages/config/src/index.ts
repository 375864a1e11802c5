export * from './env.ts';
export * from './services.ts';
