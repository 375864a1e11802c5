import type { Role } from './session.ts';

/** Screens, and the roles the graph would answer on them (the page shows no screen it would refuse). */
export const SCREENS = {
  search: { path: '/search', roles: ['CASEWORKER', 'COORDINATOR'] },
  worklist: { path: '/worklist', roles: ['CASEWORKER', 'COORDINATOR'] },
  household: { path: '/households/:id', roles: ['CASEWORKER', 'COORDINATOR'] },
  check: { path: '/check', roles: ['CASEWORKER', 'COORDINATOR', 'DEPARTMENT_OFFICER'] },
  dashboard: { path: '/dashboard', roles: ['COORDINATOR'] },
  statistics: { path: '/statistics', roles: ['ANALYST', 'COORDINATOR'] },
  accessLog: { path: '/access-log', roles: ['AUDITOR'] },
  schemas: { path: '/schemas', roles: ['COORDINATOR', 'AUDITOR'] },
  funds: { path: '/funds', roles: ['DEPARTMENT_OFFICER', 'COORDINATOR', 'ANALYST'] },
  sharing: { path: '/sharing', roles: ['DEPARTMENT_OFFICER', 'COORDINATOR'] },
  applications: { path: '/applications', roles: ['CASEWORKER', 'COORDINATOR', 'DEPARTMENT_OFFICER'] },
  application: { path: '/applications/:id', roles: ['CASEWORKER', 'COORDINATOR', 'DEPARTMENT_OFFICER'] },
  notice: { path: '/notice', roles: ['CASEWORKER', 'COORDINATOR'] },
  reviewTasks: { path: '/review-tasks', roles: ['CASEWORKER', 'COORDINATOR', 'DEPARTMENT_OFFICER'] },
} as const satisfies Record<string, { path: string; roles: readonly Role[] }>;

export type Screen = keyof typeof SCREENS;

export function mayOpen(screen: Screen, role: Role): boolean {
  return (SCREENS[screen].roles as readonly Role[]).includes(role);
}

/** Where each role lands after signing in. */
export const HOME: Record<Role, string> = {
  CASEWORKER: '/search',
  COORDINATOR: '/dashboard',
  DEPARTMENT_OFFICER: '/check',
  ANALYST: '/statistics',
  AUDITOR: '/access-log',
};

/** Navigation entries per role, in order. */
export const NAV: Record<Role, Screen[]> = {
  CASEWORKER: ['search', 'worklist', 'applications', 'notice', 'reviewTasks', 'check'],
  COORDINATOR: ['dashboard', 'worklist', 'search', 'applications', 'reviewTasks', 'check', 'statistics', 'funds', 'sharing', 'schemas'],
  DEPARTMENT_OFFICER: ['check', 'applications', 'reviewTasks', 'funds', 'sharing'],
  ANALYST: ['statistics', 'funds'],
  AUDITOR: ['accessLog', 'schemas'],
};
