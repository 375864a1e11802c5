import { createContext, useContext } from 'react';
import type { Session } from './session.ts';

export interface SessionApi {
  session: Session;
  signOut(reason?: 'expired'): void;
  setPurpose(purpose: string): void;
}

export const SessionContext = createContext<SessionApi | null>(null);

export function useSession(): SessionApi {
  const api = useContext(SessionContext);
  if (!api) throw new Error('useSession outside a signed-in page');
  return api;
}
