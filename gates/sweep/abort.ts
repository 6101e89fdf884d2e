/** Cancellation helpers: Ctrl-C aborts one AbortController; everything that waits listens to it. */

export const INTERRUPTED_REASON = "not checked: interrupted";

/** Thrown by waits cut short by the sweep's abort signal. */
export class SweepInterruptedError extends Error {
  constructor() {
    super("sweep interrupted");
    this.name = "SweepInterruptedError";
  }
}

export function interruptedError(): SweepInterruptedError {
  return new SweepInterruptedError();
}

/** setTimeout as a promise that rejects with SweepInterruptedError as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(interruptedError());
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(interruptedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Resolves when `signal` aborts (never, without a signal). */
export function whenAborted(signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return new Promise<void>(() => undefined);
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
