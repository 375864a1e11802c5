export * from './open.ts';
export * from './sql.ts';
export * from './embedded.ts';
