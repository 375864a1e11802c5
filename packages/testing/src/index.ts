export * from './database.ts';
export * from './graphql.ts';
export * from './subgraph.ts';
export * from './departmentSuite.ts';
export * from './ports.ts';
