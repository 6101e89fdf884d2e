/**
 * What bounds a sweep's work in flight: worker slots (accounts reading from AWS at once), the parking
 * budget (accounts whose own reads are done and that only wait for the organization-wide findings
 * read, holding their collected evidence but no session and no worker), and finishing slots (accounts
 * deciding and writing their evidence once that read is done). Memory is therefore bounded by the
 * concurrency and the parking budget, not by the size of the organization.
 */
import { interruptedError } from "./abort";

/** Counting semaphore, FIFO, whose waits end (rejecting) when the sweep is interrupted. */
export class Semaphore {
  private readonly waiting: { resolve: () => void; reject: (err: Error) => void }[] = [];
  constructor(private free: number) {}

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(interruptedError());
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(interruptedError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(entry);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next.resolve();
    else this.free++;
  }
}

/** A timer that can stop counting while the account waits for something that is not its own work. */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private remainingMs: number;
  private startedAt = 0;
  private fire: (() => void) | undefined;
  readonly expired: Promise<never>;

  constructor(ms: number | undefined, message: string) {
    this.remainingMs = ms ?? Infinity;
    this.expired = new Promise<never>((_, reject) => {
      this.fire = () => reject(new Error(message));
    });
    // Nobody may be listening any more when it fires after the account settled another way.
    this.expired.catch(() => undefined);
    this.resume();
  }

  pause(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.remainingMs -= Date.now() - this.startedAt;
  }

  resume(): void {
    if (this.timer !== undefined || !Number.isFinite(this.remainingMs)) return;
    this.startedAt = Date.now();
    this.timer = setTimeout(() => this.fire?.(), Math.max(0, this.remainingMs));
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.remainingMs = Infinity;
  }
}

/** What a check is handed to let the sweep know it is waiting (see AccountSlot in index.ts). */
export interface AccountSlot {
  /**
   * The account's own reads are done; it only waits for the organization-wide findings read. If the
   * parking budget has room for `bytes` (what the account keeps meanwhile), its worker slot goes to the
   * next account; otherwise it keeps the slot while it waits (memory stays within the budget).
   */
  park(bytes: number): void;
  /** The wait is over: take a finishing slot (bounded) to decide and write the evidence. */
  resume(): Promise<void>;
}

export interface SlotLimits {
  workers: Semaphore;
  finishing: Semaphore;
  parkingBudgetBytes: number;
  signal: AbortSignal;
}

/** The slot of one account's task; `end()` gives back whatever it still holds. */
export class TaskSlot implements AccountSlot {
  private holdsWorker = true;
  private holdsFinishing = false;
  private parkedBytes = 0;

  constructor(
    private readonly limits: SlotLimits,
    private readonly parking: { bytes: number; accounts: number; peakAccounts: number },
    private readonly watchdog: Watchdog,
  ) {}

  park(bytes: number): void {
    if (!this.holdsWorker || this.parkedBytes > 0) return;
    const size = Math.max(1, Math.ceil(bytes));
    this.watchdog.pause();
    if (this.parking.bytes + size > this.limits.parkingBudgetBytes) return;
    this.parking.bytes += size;
    this.parking.accounts++;
    this.parking.peakAccounts = Math.max(this.parking.peakAccounts, this.parking.accounts);
    this.parkedBytes = size;
    this.holdsWorker = false;
    this.limits.workers.release();
  }

  async resume(): Promise<void> {
    this.watchdog.resume();
    if (this.parkedBytes === 0) return;
    this.unpark();
    await this.limits.finishing.acquire(this.limits.signal);
    this.holdsFinishing = true;
  }

  private unpark(): void {
    this.parking.bytes -= this.parkedBytes;
    this.parking.accounts--;
    this.parkedBytes = 0;
  }

  end(): void {
    this.watchdog.stop();
    if (this.parkedBytes > 0) this.unpark();
    if (this.holdsWorker) this.limits.workers.release();
    if (this.holdsFinishing) this.limits.finishing.release();
    this.holdsWorker = false;
    this.holdsFinishing = false;
  }
}
