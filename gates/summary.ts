/** Sweep aggregation (DESIGN.md section 4): sweep's verdict is that of its worst account. */
import type { AccountVerdict, ControlResult, EvidenceRef, Marked, SkippedAccountResult, SweepError, SweepResult } from "./types";
import { worstVerdict } from "./verdict";

export function summarizeSweep(
  accounts: readonly AccountVerdict[],
  skipped: readonly SkippedAccountResult[] = [],
  errors: readonly SweepError[] = [],
): SweepResult {
  const count = (v: AccountVerdict["verdict"]) => accounts.filter((a) => a.verdict === v).length;
  // An empty sweep proves nothing (worstVerdict([]) is INCONCLUSIVE), nor does one that could not do what it was asked.
  const verdicts = [...accounts.map((a) => a.verdict), ...(errors.length > 0 ? (["INCONCLUSIVE"] as const) : [])];
  return {
    schemaVersion: 1,
    accounts: [...accounts],
    skipped: [...skipped],
    summary: {
      accounts: accounts.length,
      pass: count("PASS"),
      fail: count("FAIL"),
      inconclusive: count("INCONCLUSIVE"),
      skipped: skipped.length,
      verdict: worstVerdict(verdicts),
      errors: [...errors],
    },
  };
}

/**
 * One account's result from its evaluated controls: the verdict is the worst of the REQUIRED
 * controls (none required, or none evaluated, proves nothing: INCONCLUSIVE).
 */
export function summarizeAccount(input: {
  accountId: string;
  checkedAt: string;
  controls: readonly ControlResult[];
  marked?: Marked | null;
  evidence?: EvidenceRef | null;
}): AccountVerdict {
  const verdict = worstVerdict(input.controls.filter((c) => c.required).map((c) => c.verdict));
  return {
    schemaVersion: 1,
    accountId: input.accountId,
    checkedAt: input.checkedAt,
    verdict,
    productionReady: verdict === "PASS",
    controls: [...input.controls],
    marked: input.marked ?? null,
    evidence: input.evidence ?? null,
  };
}
