import { departments, type Department } from '@saf/programmes';

export interface ServiceInfo {
  /** Folder under `subgraphs/` and the subgraph's name in the supergraph. */
  name: string;
  department: Department | null;
  /** Offset from SUBGRAPH_PORT_BASE (SPEC section 9). */
  portOffset: number;
}

/** Every subgraph, in port order: the seven departments, then the coordination office, then the access log. */
export const SERVICES: readonly ServiceInfo[] = [
  ...departments.map((d, i) => ({ name: d.subgraph, department: d.code, portOffset: i + 1 })),
  { name: 'coordination', department: null, portOffset: departments.length + 1 },
  { name: 'audit', department: null, portOffset: departments.length + 2 },
];

/** The services that may witness the access log: the departments', each with its own database and office. */
export const WITNESSES: readonly string[] = SERVICES.filter((s) => s.department !== null).map((s) => s.name);

export function service(name: string): ServiceInfo {
  const info = SERVICES.find((s) => s.name === name);
  if (!info) throw new Error(`unknown service ${name}`);
  return info;
}

/** `civil-affairs` → `CIVIL_AFFAIRS`, the prefix of a service's own variables. */
export function envPrefix(name: string): string {
  return name.toUpperCase().replaceAll('-', '_');
}

/**
 * Where a subgraph listens. `<PREFIX>_URL` (e.g. `LABOUR_URL`) overrides the default
 * `http://127.0.0.1:<base + offset>/graphql`, for deployments where departments run elsewhere.
 */
export function subgraphUrl(name: string, env: NodeJS.ProcessEnv, portBase: number): string {
  const override = env[`${envPrefix(name)}_URL`];
  if (override) return override;
  return `http://127.0.0.1:${portBase + service(name).portOffset}/graphql`;
}

/** Operations in one batched subgraph request, at most (the gateway's SUBGRAPH_BATCH_MAX is at most this). */
export const MAX_BATCH = 16;
