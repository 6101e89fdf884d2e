/** Verdicts the sweep engine makes itself: accounts not checked, and --revoke failures. */
import { CONTROL_IAM3, CONTROL_IAM4, type ControlId } from "../../modules/constants";
import { READY_TAG_UNKNOWN_VALUE, type AccountVerdict, type ControlResult, type Marked } from "../types";
import { worstVerdict } from "../verdict";

/** The verdict of an account whose check did not complete: INCONCLUSIVE for every control, with the reason. */
export function notCheckedVerdict(accountId: string, reason: string, require: readonly ControlId[], now: Date): AccountVerdict {
  const controls = ([CONTROL_IAM4, CONTROL_IAM3] as const).map((id): ControlResult => ({
    id,
    verdict: "INCONCLUSIVE",
    required: require.includes(id),
    reasons: [reason],
    sources: [],
  }));
  return { schemaVersion: 1, accountId, checkedAt: now.toISOString(), verdict: "INCONCLUSIVE", productionReady: false, controls, marked: null, evidence: null };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A failed --revoke that knows what the account carries now (value "unknown" when it cannot tell). */
export class RevokeError extends Error {
  constructor(
    readonly marked: Marked,
    message: string,
  ) {
    super(message);
    this.name = "RevokeError";
  }
}

export function revokeFailure(tag: string, err: unknown): { marked: Marked; reason: string } {
  const marked = err instanceof RevokeError ? err.marked : { tag, value: READY_TAG_UNKNOWN_VALUE, changed: false };
  return { marked, reason: `--revoke could not remove the ${tag} tag: ${errorText(err)}; remove it by hand or rerun` };
}

/** Marks the account with a failed --revoke: the verdict stays, the reason says the tag may still be there. */
export function withRevokeFailure(v: AccountVerdict, tag: string, err: unknown): AccountVerdict {
  const { marked, reason } = revokeFailure(tag, err);
  return { ...v, marked, controls: v.controls.map((c) => (c.required ? { ...c, reasons: [...c.reasons, reason] } : c)) };
}

/** The account's evidence could not be written: the verdict proves nothing an auditor can check. */
export function withEvidenceFailure(v: AccountVerdict, err: unknown): AccountVerdict {
  const reason = `the evidence bundle could not be written: ${errorText(err)}`;
  const controls = v.controls.map((c): ControlResult => (c.required ? { ...c, verdict: c.verdict === "FAIL" ? "FAIL" : "INCONCLUSIVE", reasons: [...c.reasons, reason] } : c));
  return { ...v, verdict: worstVerdict(controls.filter((c) => c.required).map((c) => c.verdict)), productionReady: false, controls };
}
