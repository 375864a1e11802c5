import type { Logger } from '@saf/service';
import type { GraphClient } from '../graph.ts';
import type { FigureCache } from './cache.ts';
import { dataVersions } from './versions.ts';

/** Figures read within this long are kept current after a load; older ones are computed when next asked. */
export const KEEP_WARM_MS = 15 * 60_000;

/**
 * Keeps the figures in use current: every `intervalMs` it reads the departments' data versions
 * and recomputes the figures read in the last 15 minutes whose data changed (a load), so that
 * the leading group's dashboards do not wait for a computation after each load. One round at a
 * time; a round that finds nothing changed costs one small request.
 */
export class StatisticsRefresher {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;

  constructor(
    private readonly graph: GraphClient,
    private readonly cache: FigureCache,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** One round now (unless one is running): what changed is recomputed. */
  tick(): Promise<void> {
    this.round ??= (async () => {
      try {
        const recomputed = await this.cache.refresh(await dataVersions(this.graph), KEEP_WARM_MS, this.log);
        if (recomputed) this.log.info({ recomputed }, 'statistics recomputed after a load');
      } catch (err) {
        this.log.warn({ err: (err as Error).message }, 'statistics not refreshed; the next request computes what changed');
      } finally {
        this.round = null;
      }
    })();
    return this.round;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.round;
  }
}
