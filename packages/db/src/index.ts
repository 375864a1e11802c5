export * from './open.ts';
export * from './sql.ts';
