/** Sweep aggregation (DESIGN.md section 4): sweep's verdict is that of its worst account. */
import type { AccountVerdict, ControlResult, EvidenceRef, Marked, SweepResult } from "./types";
import { worstVerdict } from "./verdict";

export function summarizeSweep(accounts: readonly AccountVerdict[]): SweepResult {
  const count = (v: AccountVerdict["verdict"]) => accounts.filter((a) => a.verdict === v).length;
  return {
    schemaVersion: 1,
    accounts: [...accounts],
    summary: {
      accounts: accounts.length,
      pass: count("PASS"),
      fail: count("FAIL"),
      inconclusive: count("INCONCLUSIVE"),
      // An empty sweep proves nothing: worstVerdict([]) is INCONCLUSIVE.
      verdict: worstVerdict(accounts.map((a) => a.verdict)),
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
