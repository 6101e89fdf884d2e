/** Sweep aggregation (DESIGN.md section 4): sweep's verdict is that of its worst account. */
import type { AccountVerdict, SweepResult } from "./types";
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
