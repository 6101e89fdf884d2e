/**
 * Cause and fix of a failed read or request during a remediation, in the gate's usual words
 * (decide/failure-reasons.ts), with the fixes that are specific to remediate: the calls it makes with the
 * responder's own credentials are granted by the GuardrailsRootRemediation policy, and the root session's
 * calls by the root-task policy (SCPs can still deny them). Pure.
 */
import { GATE_REMEDIATION_POLICY_NAME } from "../../modules/constants";
import { AUTH_REJECTED_CODES, explainFailure } from "../decide/failure-reasons";
import type { ReadFailure } from "../types";

/** Calls remediate makes with the responder's own credentials (management account or IAM delegated administrator). */
const OWN_CREDENTIAL_CALLS = new Set(["sts:AssumeRoot", "iam:ListOrganizationsFeatures", "organizations:DescribeOrganization", "organizations:DescribeAccount"]);
/** Calls made in the centralized-root session. */
const ROOT_SESSION_CALLS = new Set(["iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:DeleteAccessKey"]);

const GRANT = `${GATE_REMEDIATION_POLICY_NAME} grants it: set remediation.enabled and list the role in remediation.responderRoleArns`;

export function explainRemediationFailure(f: ReadFailure): { cause: string; fix: string } {
  const call = f.failedCall ?? f.api;
  const code = f.code ?? "AccessDenied";
  if (call === "iam:GetCredentialReport" && f.kind === "not-found") {
    return { cause: `IAM holds no current credential report (${f.code ?? "not present"}); remediate does not generate one before deleting`, fix: "nothing to do: the live sources decide, and guardrails check generates a report when it needs one" };
  }
  if (f.kind === "access-denied" && !AUTH_REJECTED_CODES.has(code)) {
    if (call === "sts:AssumeRoot") {
      return {
        cause: `sts:AssumeRoot into ${f.accountId} was denied to the responder's credentials (${code})`,
        fix: `run remediate with credentials of the management account or IAM's delegated administrator that may call sts:AssumeRoot with the root-task policy (${GRANT}), and check that no SCP or permissions boundary denies sts:AssumeRoot`,
      };
    }
    if (OWN_CREDENTIAL_CALLS.has(call)) {
      return { cause: `${call} was denied to the responder's own credentials (${code})`, fix: `grant ${call} to them: ${GRANT}` };
    }
    if (ROOT_SESSION_CALLS.has(call)) {
      return {
        cause: `${call} was denied in the root session of ${f.accountId} (${code})`,
        fix: "the root-task policy allows it, so an SCP, a resource control policy or a permissions boundary denies it to root sessions: let aws:AssumedRoot sessions through (the guardrail SCPs do), then rerun",
      };
    }
  }
  return explainFailure(f);
}

/** `<what> could not be read in <account> (<region>): <cause>; <fix>.` */
export function remediationFailureSentence(what: string, f: ReadFailure): string {
  const e = explainRemediationFailure(f);
  return `${what.charAt(0).toUpperCase()}${what.slice(1)} could not be read in ${f.accountId} (${f.region}): ${e.cause}; ${e.fix}.`;
}
