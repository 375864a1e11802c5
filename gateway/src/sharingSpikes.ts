/**
 * A caller whose reads of other departments' data jump far above their own usual level (SPEC
 * section 12, use): reads are counted per caller per window; at the end of each window the count
 * is compared with the caller's own moving average of earlier windows. A window over `factor`
 * times that average (and over `floor`, so a quiet caller's handful is not an alarm), once the
 * caller has `history` windows behind them, is a spike: `saf_sharing_read_spikes_total` counts
 * them by office for the alert, and the log names the caller.
 */
export interface SpikeOptions {
  windowMs: number;
  factor: number;
  floor: number;
  history: number;
  /** Weight of the newest window in the moving average. */
  alpha?: number;
  onSpike: (spike: { caller: string; office: string; reads: number; usual: number }) => void;
  now?: () => number;
}

interface CallerLevel {
  office: string;
  windowStart: number;
  reads: number;
  usual: number;
  windows: number;
}

export class SpikeDetector {
  private readonly callers = new Map<string, CallerLevel>();
  private readonly now: () => number;
  private readonly alpha: number;

  constructor(private readonly options: SpikeOptions) {
    this.now = options.now ?? Date.now;
    this.alpha = options.alpha ?? 0.2;
  }

  /** `reads` fields read under agreements by `caller` (of `office`) just now. */
  record(caller: string, office: string, reads: number): void {
    const now = this.now();
    let level = this.callers.get(caller);
    if (!level) {
      level = { office, windowStart: now, reads: 0, usual: 0, windows: 0 };
      this.callers.set(caller, level);
    }
    this.roll(caller, level, now);
    level.reads += reads;
  }

  /** Closes the windows that have ended (called on each read and by a timer). */
  tick(): void {
    const now = this.now();
    for (const [caller, level] of this.callers) {
      this.roll(caller, level, now);
      // Forget callers quiet for a long time (their usual level decays to nothing anyway).
      if (level.windows > 0 && level.usual < 0.01 && level.reads === 0) this.callers.delete(caller);
    }
  }

  private roll(caller: string, level: CallerLevel, now: number): void {
    const { windowMs, factor, floor, history } = this.options;
    while (now - level.windowStart >= windowMs) {
      const reads = level.reads;
      if (level.windows >= history && reads >= floor && reads > factor * level.usual) {
        this.options.onSpike({ caller, office: level.office, reads, usual: level.usual });
      }
      level.usual = level.windows === 0 ? reads : this.alpha * reads + (1 - this.alpha) * level.usual;
      level.windows++;
      level.reads = 0;
      level.windowStart += windowMs;
      // A caller back after a long silence: the empty windows count as quiet ones, quickly.
      if (reads === 0 && now - level.windowStart > 50 * windowMs) {
        level.windows += Math.floor((now - level.windowStart) / windowMs);
        level.usual = 0;
        level.windowStart = now - ((now - level.windowStart) % windowMs);
      }
    }
  }
}
