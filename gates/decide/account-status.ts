/**
 * Only an ACTIVE account can PASS (DESIGN.md section 4). The account's Organizations status is an
 * evidence source of its own, decided here without I/O: ACTIVE lets the controls decide; any other
 * status, or one that could not be read, makes every required control (hence the account)
 * INCONCLUSIVE with the status in the reason. A FAIL stays FAIL: it is worse.
 *
 * Field semantics (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html):
 * `State` (PENDING_ACTIVATION | ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED) replaced `Status`
 * (ACTIVE | SUSPENDED | PENDING_CLOSURE), which is retired on September 9, 2026. Both are read;
 * `State` wins when present because it is the finer one (a CLOSED account may still read SUSPENDED).
 * What each state means: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_account_state.html
 */
import type { AccountStatusEvidence, ControlResult, Read, SourceRecord } from "../types";
import { worstVerdict } from "../verdict";
import { AUTH_REJECTED_CODES, explainFailure, runnerCauseMarker } from "./failure-reasons";

export interface AccountStatusDecision {
  verdict: "PASS" | "INCONCLUSIVE";
  /** The effective status (State, else Status), or null when unknown. */
  status: string | null;
  /** Why the account cannot PASS; null when ACTIVE. */
  reason: string | null;
  /** A failed read whose cause is the runner's (no credentials, unreachable): what a control naming it says. */
  runnerCause?: string | null;
  /** Waiting cannot change it (suspended, closing, closed, not in the organization): --wait stops. */
  final: boolean;
  source: SourceRecord;
}

/** What a status means for readiness, and what to do about it. */
function statusReason(accountId: string, status: string): { reason: string; final: boolean } {
  const prefix = `Account ${accountId} is ${status} in AWS Organizations: only an ACTIVE account can be production-ready`;
  switch (status) {
    case "PENDING_ACTIVATION":
      return { reason: `${prefix}; its sign-up is not complete yet. Rerun once Organizations shows it ACTIVE.`, final: false };
    case "SUSPENDED":
      return { reason: `${prefix}; do not promote it while it is suspended (reinstate it, or remove it from the vending pipeline).`, final: true };
    case "PENDING_CLOSURE":
    case "CLOSED":
      return { reason: `${prefix}; it is being closed and can never be promoted: remove it from the vending pipeline.`, final: true };
    default:
      return { reason: `${prefix}; rerun once Organizations shows it ACTIVE.`, final: false };
  }
}

export function decideAccountStatus(accountId: string, read: Read<AccountStatusEvidence>): AccountStatusDecision {
  const where = { name: "account-status", observedAt: read.observedAt, accountId: read.accountId, region: read.region, api: read.api };
  if (!read.ok) {
    // The same cause-and-fix wording as every other source (failure-reasons.ts), with the one fix that is
    // specific to this read: the gate's OWN credentials need DescribeAccount (no role is assumed for it).
    const explained = explainFailure(read);
    const deniedToOwnCredentials = read.kind === "access-denied" && !AUTH_REJECTED_CODES.has(read.code ?? "");
    const cause = deniedToOwnCredentials ? `${read.api} was denied to the gate's own credentials (${read.code ?? "AccessDenied"})` : explained.cause;
    const fix = deniedToOwnCredentials
        ? "grant them organizations:DescribeAccount (management account or delegated administrator) and rerun"
        : read.kind === "not-found"
          ? "it is not an account of this organization: check the account id and that the gate runs with the organization's management credentials"
          : explained.fix;
    return {
      verdict: "INCONCLUSIVE",
      status: null,
      reason: `The Organizations status of ${accountId} could not be read: ${cause}; only an ACTIVE account can be production-ready: ${fix}.`,
      runnerCause: runnerCauseMarker(read),
      final: read.kind === "not-found",
      source: { ...where, summary: `unavailable: ${read.kind}` },
    };
  }
  const { state, status } = read.value;
  const effective = state ?? status;
  const summary = state !== null ? `State ${state}${status !== null && status !== state ? ` (deprecated Status ${status})` : ""}` : status !== null ? `Status ${status} (no State field)` : "neither State nor Status returned";
  if (effective === null) {
    return {
      verdict: "INCONCLUSIVE",
      status: null,
      reason: `${read.api} returned neither State nor Status for ${accountId}; only an ACTIVE account can be production-ready: rerun.`,
      final: false,
      source: { ...where, summary },
    };
  }
  if (effective === "ACTIVE") return { verdict: "PASS", status: effective, reason: null, final: false, source: { ...where, summary } };
  return { verdict: "INCONCLUSIVE", status: effective, ...statusReason(accountId, effective), source: { ...where, summary } };
}

/**
 * Applies the status to the controls that decide the verdict: each required control records the
 * source, and unless the account is ACTIVE it becomes at least INCONCLUSIVE with the reason first.
 * Controls that are not required are listed as evaluated, untouched (they never decide).
 */
export function applyAccountStatus(controls: readonly ControlResult[], d: AccountStatusDecision): ControlResult[] {
  return controls.map((c) => {
    if (!c.required) return c;
    const sources = [...c.sources, d.source];
    if (d.verdict === "PASS" || d.reason === null) return { ...c, sources };
    const verdict = worstVerdict([c.verdict, d.verdict]);
    // One cause (no credentials, an unreachable endpoint) that every read met is said once, by the control.
    const shared = d.runnerCause;
    if (typeof shared === "string" && c.reasons.some((r) => r.includes(shared))) return { ...c, verdict, sources };
    return { ...c, verdict, reasons: [d.reason, ...c.reasons], sources };
  });
}
