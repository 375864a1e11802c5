import { useCallback, useEffect, useRef, useState } from 'react';
import { RUN_SWEEP, SWEEP } from './queries.ts';
import { useGraphQL } from './useGraphQL.ts';

export interface Sweep {
  id: string;
  regionCode: string;
  status: string;
  error: string | null;
  householdsTotal: number | null;
  householdsChecked: number;
  personsChecked: number;
  findingsCount: number;
  newCount: number;
  goneCount: number;
  startedAt: string;
  finishedAt: string | null;
}

export type SweepState = { kind: 'idle' } | { kind: 'starting' } | { kind: 'running' | 'done'; sweep: Sweep } | { kind: 'failed'; message: string; forbidden?: boolean };

const POLL_MS = 800;

/** Starts a sweep (比对) of a region and polls its progress until it is DONE or FAILED. */
export function useSweep(onDone?: (sweep: Sweep) => void) {
  const run = useGraphQL();
  const [state, setState] = useState<SweepState>({ kind: 'idle' });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const done = useRef(onDone);
  done.current = onDone;
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const poll = useCallback(
    async (id: string) => {
      const res = await run<{ duplicateAidSweep: Sweep | null }>(SWEEP, { id });
      if (res.kind !== 'ok' || !res.data.duplicateAidSweep) {
        setState({ kind: 'failed', message: res.kind === 'error' || res.kind === 'invalid' ? res.message : res.kind, forbidden: res.kind === 'forbidden' });
        return;
      }
      const sweep = res.data.duplicateAidSweep;
      // QUEUED: waiting for an overlapping sweep to end; it starts by itself.
      if (sweep.status === 'RUNNING' || sweep.status === 'QUEUED') {
        setState({ kind: 'running', sweep });
        timer.current = setTimeout(() => void poll(id), POLL_MS);
      } else {
        setState({ kind: 'done', sweep });
        done.current?.(sweep);
      }
    },
    [run],
  );

  const start = useCallback(
    async (regionCode: string) => {
      setState({ kind: 'starting' });
      const res = await run<{ runDuplicateAidSweep: { id: string } }>(RUN_SWEEP, { regionCode });
      if (res.kind !== 'ok') {
        setState({ kind: 'failed', message: res.kind === 'error' || res.kind === 'invalid' ? res.message : res.kind, forbidden: res.kind === 'forbidden' });
        return;
      }
      await poll(res.data.runDuplicateAidSweep.id);
    },
    [run, poll],
  );

  return { state, start };
}
