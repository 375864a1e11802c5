import type { Department } from './catalogue.ts';
import { mayDeclare } from './purposes.ts';

export const ROLES = ['CASEWORKER', 'DEPARTMENT_OFFICER', 'COORDINATOR', 'ANALYST', 'AUDITOR'] as const;
export type Role = (typeof ROLES)[number];

export interface Claims {
  sub: string;
  role: Role;
  region?: string;
  department?: Department;
  /** Seconds since the epoch. */
  exp?: number;
}

export interface Session {
  token: string;
  claims: Claims;
  /**
   * Why the caller reads data: the code of a purpose their role may declare (lib/purposes.ts),
   * sent as X-Purpose; the graph logs its label with every person-level read.
   */
  purpose: string;
}

const KEY = 'saf.console.session';

export type ClaimsResult = { ok: true; claims: Claims } | { ok: false; reason: 'malformed' | 'expired' | 'role' };

/**
 * What the token says, for choosing screens only: the gateway verifies the signature on every
 * request, and the graph refuses what the role may not see whatever this page believes.
 */
export function readClaims(token: string, nowSeconds = Date.now() / 1000): ClaimsResult {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  let payload: Record<string, unknown>;
  try {
    const b64 = parts[1]!.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(b64.padEnd(Math.ceil(b64.length / 4) * 4, '=')), (c) => c.charCodeAt(0));
    payload = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof payload.sub !== 'string') return { ok: false, reason: 'malformed' };
  if (!(ROLES as readonly unknown[]).includes(payload.role)) return { ok: false, reason: 'role' };
  if (typeof payload.exp === 'number' && payload.exp < nowSeconds) return { ok: false, reason: 'expired' };
  return {
    ok: true,
    claims: {
      sub: payload.sub,
      role: payload.role as Role,
      ...(typeof payload.region === 'string' ? { region: payload.region } : {}),
      ...(typeof payload.department === 'string' ? { department: payload.department as Department } : {}),
      ...(typeof payload.exp === 'number' ? { exp: payload.exp } : {}),
    },
  };
}

/** The session lives in sessionStorage: gone when the tab closes, never shared between tabs. */
export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const stored = JSON.parse(raw) as { token?: unknown; purpose?: unknown };
    if (typeof stored.token !== 'string' || typeof stored.purpose !== 'string') return null;
    const claims = readClaims(stored.token);
    // A purpose this role may not declare (one kept from before the list) would be refused on
    // every read: sign in again and choose.
    if (!claims.ok || !mayDeclare(claims.claims, stored.purpose)) return null;
    return { token: stored.token, claims: claims.claims, purpose: stored.purpose };
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify({ token: session.token, purpose: session.purpose }));
  else sessionStorage.removeItem(KEY);
}
