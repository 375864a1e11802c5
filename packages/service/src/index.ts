export * from './errors.ts';
export * from './logger.ts';
export * from './http.ts';
export * from './subgraph.ts';
export * from './schema.ts';
export * from './authz.ts';
export * from './metrics.ts';
export * from './tracing.ts';
