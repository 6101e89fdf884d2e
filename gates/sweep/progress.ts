/**
 * Sweep progress on stderr (stdout carries the report). On a terminal: one cli-progress bar with
 * accounts done, failing, inconclusive and ETA. Otherwise (CI logs, files): plain lines, one per
 * account for small sweeps, every `every` accounts for large ones, so a 1,000-account log stays short.
 * Checks start while accounts are still being listed: until the listing is complete (`start`), the
 * total is what has been listed so far, and PASS lines are thinned as for a large sweep.
 */
import { Presets, SingleBar } from "cli-progress";
import type { AccountVerdict } from "../types";
import type { SweepProgress } from "./index";

export interface ProgressReporter {
  /** The listing is complete: `total` accounts are in scope (updates may have come before). */
  start(total: number): void;
  update(verdict: AccountVerdict, progress: SweepProgress): void;
  stop(): void;
}

export interface ProgressOptions {
  isTTY: boolean;
  /** Terminal: the stream the bar draws on. */
  stream?: NodeJS.WritableStream;
  /** Plain mode: where lines go. */
  writeLine: (line: string) => void;
  /** Plain mode: print a line every N accounts (default: every account up to 100, then every 5 %). */
  every?: number;
}

/** Plain mode's cadence while the total is not known yet. */
const EVERY_WHILE_LISTING = 50;

function etaText(p: SweepProgress, nowMs: number): string {
  if (p.done === 0 || !p.listingComplete) return "ETA unknown";
  const perAccount = (nowMs - p.startedAtMs) / p.done;
  return `ETA ${Math.ceil((perAccount * (p.total - p.done)) / 1000)} s`;
}

export function plainProgressLine(v: AccountVerdict, p: SweepProgress, nowMs: number = Date.now()): string {
  return `sweep ${p.done}/${p.total}${p.listingComplete ? "" : "+"}: ${v.accountId} ${v.verdict} (pass ${p.pass}, fail ${p.fail}, inconclusive ${p.inconclusive}; ${etaText(p, nowMs)})`;
}

export function createProgressReporter(opts: ProgressOptions): ProgressReporter {
  if (opts.isTTY) {
    const bar = new SingleBar(
      {
        stream: opts.stream ?? process.stderr,
        format: "sweep [{bar}] {value}/{total} accounts | failing {fail} | inconclusive {inconclusive} | ETA {eta_formatted}",
        hideCursor: true,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    let started = false;
    const ensureStarted = (total: number): void => {
      if (started) return;
      started = true;
      bar.start(total, 0, { fail: 0, inconclusive: 0 });
    };
    return {
      start: (total) => {
        ensureStarted(total);
        bar.setTotal(total);
      },
      update: (_v, p) => {
        ensureStarted(p.total);
        if (bar.getTotal() !== p.total) bar.setTotal(p.total);
        bar.update(p.done, { fail: p.fail, inconclusive: p.inconclusive });
      },
      stop: () => {
        if (started) bar.stop();
      },
    };
  }
  let every = opts.every ?? EVERY_WHILE_LISTING;
  return {
    start: (total) => {
      every = opts.every ?? (total <= 100 ? 1 : Math.ceil(total / 20));
      opts.writeLine(`sweep: checking ${total} account(s)`);
    },
    update: (v, p) => {
      // Non-PASS accounts are always worth a line; PASS ones only on the cadence.
      if (v.verdict !== "PASS" || p.done % every === 0 || p.done === p.total) opts.writeLine(plainProgressLine(v, p));
    },
    stop: () => undefined,
  };
}
