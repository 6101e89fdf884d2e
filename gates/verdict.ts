/** Verdict algebra (DESIGN.md section 4): FAIL is worse than INCONCLUSIVE, which is worse than PASS. */
import { ExitCode, type ExitCodeValue, type Verdict } from "./types";

const SEVERITY: Record<Verdict, number> = { PASS: 0, INCONCLUSIVE: 1, FAIL: 2 };

/** The worst of the given verdicts. No verdict at all proves nothing: INCONCLUSIVE. */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.length === 0) return "INCONCLUSIVE";
  return verdicts.reduce((worst, v) => (SEVERITY[v] > SEVERITY[worst] ? v : worst));
}

export function exitCodeFor(verdict: Verdict): ExitCodeValue {
  switch (verdict) {
    case "PASS":
      return ExitCode.PASS;
    case "FAIL":
      return ExitCode.FAIL;
    case "INCONCLUSIVE":
      return ExitCode.INCONCLUSIVE;
  }
}
