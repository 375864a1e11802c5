import { departmentOfService, type Department } from '../lib/catalogue.ts';
import type { GraphQLErrorShape, GraphQLResponse } from './client.ts';

/** What a screen does with an answer: the cases the page distinguishes for the user. */
export type Outcome<T> =
  | { kind: 'ok'; data: T; unavailable: Unavailable[]; errors: GraphQLErrorShape[] }
  /** Outside the caller's jurisdiction or role: shown as 无权查看, with none of the data. */
  | { kind: 'forbidden' }
  /** The graph has no such field yet (a feature not deployed): named, not an error page. */
  | { kind: 'missing'; fields: string[] }
  | { kind: 'invalid'; message: string; field?: string }
  | { kind: 'error'; message: string; code?: string };

/** A service that did not answer its part; `department` when it is one of the seven. */
export interface Unavailable {
  serviceName: string;
  department: Department | null;
}

const MISSING_FIELD = /Cannot query field "([^"]+)" on type "([^"]+)"/;

/** Field names a validation error says do not exist, as type.field. */
export function missingFields(errors: GraphQLErrorShape[]): string[] {
  const out: string[] = [];
  for (const e of errors) {
    const m = MISSING_FIELD.exec(e.message);
    if (m) out.push(`${m[2]}.${m[1]}`);
  }
  return out;
}

export function classify<T>(res: GraphQLResponse<T>): Outcome<T> {
  const errors = res.errors;
  // Never partial data next to a refusal: if any part was refused, show the refusal only.
  if (errors.some((e) => e.extensions?.code === 'FORBIDDEN')) return { kind: 'forbidden' };
  const missing = missingFields(errors);
  if (missing.length) return { kind: 'missing', fields: missing };
  const invalid = errors.find((e) => e.extensions?.code === 'BAD_USER_INPUT');
  if (invalid) return { kind: 'invalid', message: invalid.message, ...(typeof invalid.extensions?.field === 'string' ? { field: invalid.extensions.field } : {}) };
  const unavailable: Unavailable[] = [];
  for (const e of errors) {
    // The coordination service names the departments behind its own failure in `services`
    // (the gateway's serviceName is then only "coordination"): name the departments.
    const services = e.extensions?.services;
    const named = Array.isArray(services) && services.length ? services.filter((s): s is string => typeof s === 'string') : [e.extensions?.serviceName];
    for (const name of named) {
      if (typeof name === 'string' && !unavailable.some((u) => u.serviceName === name)) unavailable.push({ serviceName: name, department: departmentOfService(name) });
    }
  }
  if (res.data && (errors.length === 0 || unavailable.length > 0)) return { kind: 'ok', data: res.data, unavailable, errors };
  const first = errors[0];
  return { kind: 'error', message: first?.message ?? `HTTP ${res.status}`, ...(first?.extensions?.code ? { code: first.extensions.code } : {}) };
}
