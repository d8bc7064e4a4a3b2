/**
 * The idle timeout of streamed bodies: a read that waits longer than the limit for its next bytes fails, so
 * a link that stalls (no reset, no FIN, just silence) is treated as broken instead of hanging forever.
 *
 * Only time spent waiting on a read counts: a reader that is slow to come back (writing a file, paused by
 * back-pressure) is not the link's fault. One timer serves every read (`refresh()` re-arms it).
 */
export class IdleWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private pending: ((error: Error) => void) | undefined;

  /** `ms` 0 turns the watchdog off; `onIdle` makes the error a stalled read fails with. */
  constructor(
    private readonly ms: number,
    private readonly onIdle: () => Error,
  ) {}

  /** Resolves or rejects like `read`, or rejects with `onIdle()` if it has not settled within the limit. */
  watch<T>(read: Promise<T>): Promise<T> {
    if (!(this.ms > 0)) return read;
    return new Promise<T>((resolve, reject) => {
      this.pending = reject;
      if (this.timer) this.timer.refresh();
      else {
        this.timer = setTimeout(() => this.fire(), this.ms);
        // A body nobody reads any more must not keep the process alive.
        this.timer.unref();
      }
      read.then(
        (value) => {
          this.pending = undefined;
          resolve(value);
        },
        (error: unknown) => {
          this.pending = undefined;
          reject(error);
        },
      );
    });
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.pending = undefined;
  }

  private fire(): void {
    const reject = this.pending;
    this.pending = undefined;
    // The timer also fires between reads (it is only re-armed by the next read); nothing was waiting then.
    if (reject) reject(this.onIdle());
  }
}
