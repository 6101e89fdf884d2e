/**
 * Bounded worker pool with cancellation. Workers take items in order (FIFO: the first accounts
 * listed are the first checked), a task that throws is recorded, never rethrown, so one failing
 * account cannot stop the others. On abort no new item starts, and items still in flight are
 * reported "interrupted" at once instead of being waited for (a stuck account may need its whole
 * deadline, and Ctrl-C must answer promptly).
 */
import { whenAborted } from "./abort";

export type TaskOutcome<R> =
  | { state: "done"; value: R }
  | { state: "threw"; error: unknown }
  /** Started but still running when the pool was aborted. */
  | { state: "interrupted" }
  /** Never started: the pool was aborted first. */
  | { state: "not-started" };

export interface PoolOptions {
  concurrency: number;
  signal?: AbortSignal;
}

export async function runPool<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  opts: PoolOptions,
  onSettled?: (outcome: TaskOutcome<R>, item: T, index: number) => void,
): Promise<TaskOutcome<R>[]> {
  const outcomes: TaskOutcome<R>[] = items.map(() => ({ state: "not-started" }));
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const aborted = whenAborted(opts.signal).then(() => "aborted" as const);
  let next = 0;

  const worker = async (): Promise<void> => {
    while (next < items.length && opts.signal?.aborted !== true) {
      const index = next++;
      const item = items[index] as T;
      outcomes[index] = { state: "interrupted" };
      const task = Promise.resolve()
        .then(() => work(item, index))
        .then(
          (value): TaskOutcome<R> => ({ state: "done", value }),
          (error: unknown): TaskOutcome<R> => ({ state: "threw", error }),
        );
      const first = await Promise.race([task, aborted]);
      if (first === "aborted") return; // the slot stays "interrupted"
      outcomes[index] = first;
      onSettled?.(first, item, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return outcomes;
}
