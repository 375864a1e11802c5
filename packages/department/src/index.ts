export * from './schema.ts';
export * from './awards.ts';
export * from './ingest.ts';
export * from './subgraph.ts';
export * from './details.ts';
export * from './server.ts';
export * from './access.ts';
