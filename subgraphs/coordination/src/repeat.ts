/**
 * The office's background work on a timer (outbox polling, roll deliveries, yearly reviews): runs
 * `work` every `intervalMs` after the previous run ended (the first after `firstDelayMs`), never two
 * at once; a run that throws is handed to `onError` and the next turn comes as usual. `stop` waits
 * for the run under way. An interval of 0 or less: never on its own (tests call the work directly).
 */
export class Repeating {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (err: Error) => void,
    private readonly firstDelayMs = intervalMs,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    const tick = () => {
      this.running = this.work()
        .then(
          () => undefined,
          (err: Error) => this.onError(err),
        )
        .finally(() => {
          this.running = null;
          if (this.timer) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.firstDelayMs);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
