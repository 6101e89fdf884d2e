/**
 * What must hold before a centralized-root session can delete a member account's root access keys
 * (DESIGN.md section 11), decided from the reads without I/O. Each one that does not hold is named with the
 * exact command that fixes it. `missing` is a known state of the organization; `unknown` is a read that
 * failed (its cause and fix are given).
 *
 * - The caller is the management account or IAM's delegated administrator for centralized root access:
 *   only they may call ListOrganizationsFeatures (AccountNotManagementOrDelegatedAdministratorException) and
 *   AssumeRoot (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html).
 * - IAM's trusted access in Organizations and the organization's all-features mode: ListOrganizationsFeatures
 *   answers ServiceAccessNotEnabledException / OrganizationNotInAllFeaturesModeException otherwise
 *   (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListOrganizationsFeatures.html). The wire codes
 *   carry the "Exception" suffix: the IAM model declares no awsQueryError code for these shapes
 *   (@aws-sdk/client-iam dist-cjs, AccountNotManagementOrDelegatedAdministratorException$).
 * - RootCredentialsManagement and RootSessions enabled (EnabledFeatures); enabled with
 *   `aws iam enable-organizations-root-credentials-management` / `enable-organizations-root-sessions`, which
 *   need IAM's trusted access first (https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableOrganizationsRootSessions.html);
 *   trusted access for the service principal iam.amazonaws.com (hashicorp/terraform-provider-aws
 *   website/docs/r/iam_organizations_features.html.markdown: aws_service_access_principals ["iam.amazonaws.com"]).
 * - The target is a member account (AssumeRoot "perform[s] privileged tasks on a member account"; the
 *   management account is not one) and ACTIVE (the account-status rules of decide/account-status.ts).
 */
import { decideAccountStatus } from "../decide/account-status";
import type { AccountStatusEvidence, Read } from "../types";
import { explainRemediationFailure } from "./reasons";
import type { OrganizationFeatures, Precondition, PreconditionId } from "./types";

export const ENABLE_IAM_TRUSTED_ACCESS = "aws organizations enable-aws-service-access --service-principal iam.amazonaws.com";
export const ENABLE_ROOT_CREDENTIALS_MANAGEMENT = "aws iam enable-organizations-root-credentials-management";
export const ENABLE_ROOT_SESSIONS = "aws iam enable-organizations-root-sessions";
const ENABLE_ALL_FEATURES = "aws organizations enable-all-features (every member account approves the handshake)";
const RUN_AS_ADMIN =
  "run remediate with credentials of the organization's management account, or of the account registered as IAM's delegated administrator for centralized root access (aws organizations register-delegated-administrator --service-principal iam.amazonaws.com)";

export interface PreconditionReads {
  accountId: string;
  features: Read<OrganizationFeatures>;
  managementAccount: Read<string>;
  accountStatus: Read<AccountStatusEvidence>;
}

const ok = (id: PreconditionId, detail: string): Precondition => ({ id, status: "ok", detail, fix: "" });
const missing = (id: PreconditionId, detail: string, fix: string): Precondition => ({ id, status: "missing", detail, fix });
const unknown = (id: PreconditionId, detail: string, fix: string): Precondition => ({ id, status: "unknown", detail, fix });

function featurePreconditions(features: Read<OrganizationFeatures>): Precondition[] {
  const api = "iam:ListOrganizationsFeatures";
  if (features.ok) {
    const enabled = features.value.enabledFeatures;
    const shown = enabled.length > 0 ? enabled.join(", ") : "none";
    const feature = (id: PreconditionId, name: string, fix: string, what: string): Precondition =>
      enabled.includes(name) ? ok(id, `${name} is enabled (${api}: ${shown})`) : missing(id, `${name} is not enabled for the organization (${api} lists ${shown}): ${what}`, fix);
    return [
      ok("caller", `${api} answered: the credentials are the management account's or IAM's delegated administrator's`),
      ok("trusted-access", "IAM's trusted access in AWS Organizations is enabled (ListOrganizationsFeatures answered)"),
      feature("root-credentials-management", "RootCredentialsManagement", ENABLE_ROOT_CREDENTIALS_MANAGEMENT, "member accounts' root credentials cannot be managed centrally"),
      feature("root-sessions", "RootSessions", ENABLE_ROOT_SESSIONS, "no privileged root session (sts:AssumeRoot) can be opened in a member account"),
    ];
  }
  const code = features.code ?? "";
  const all = (status: "missing" | "unknown", detail: string, fix: string): Precondition[] =>
    (["root-credentials-management", "root-sessions"] as const).map((id) => ({ id, status, detail, fix }));
  switch (code) {
    case "AccountNotManagementOrDelegatedAdministratorException":
      return [
        missing("caller", `${api} refused the credentials (${code}): they are neither the management account's nor IAM's delegated administrator's, and only those may call sts:AssumeRoot`, RUN_AS_ADMIN),
        unknown("trusted-access", "not known: the caller may not read the organization's root access features", RUN_AS_ADMIN),
        ...all("unknown", "not known: the caller may not read the organization's root access features", RUN_AS_ADMIN),
      ];
    case "OrganizationNotFoundException":
      return [
        missing("caller", `${api} answered ${code}: the credentials belong to an account outside any organization`, RUN_AS_ADMIN),
        unknown("trusted-access", "not known: no organization", RUN_AS_ADMIN),
        ...all("unknown", "not known: no organization", RUN_AS_ADMIN),
      ];
    case "ServiceAccessNotEnabledException":
      return [
        ok("caller", `${api} answered (${code}): the caller is in the organization`),
        missing("trusted-access", `IAM's trusted access is not enabled in AWS Organizations (${api} answered ${code})`, ENABLE_IAM_TRUSTED_ACCESS),
        ...all("missing", "cannot be enabled before IAM's trusted access", `${ENABLE_IAM_TRUSTED_ACCESS}, then ${ENABLE_ROOT_CREDENTIALS_MANAGEMENT} and ${ENABLE_ROOT_SESSIONS}`),
      ];
    case "OrganizationNotInAllFeaturesModeException":
      return [
        ok("caller", `${api} answered (${code}): the caller is in the organization`),
        missing("trusted-access", `the organization does not have all features enabled (${api} answered ${code}): no trusted access, no centralized root access`, ENABLE_ALL_FEATURES),
        ...all("missing", "needs an organization with all features and IAM's trusted access", `${ENABLE_ALL_FEATURES}; then ${ENABLE_IAM_TRUSTED_ACCESS}, ${ENABLE_ROOT_CREDENTIALS_MANAGEMENT} and ${ENABLE_ROOT_SESSIONS}`),
      ];
    default: {
      const e = explainRemediationFailure(features);
      const detail = `not known: ${api} could not be read: ${e.cause}`;
      return [unknown("caller", detail, e.fix), unknown("trusted-access", detail, e.fix), ...all("unknown", detail, e.fix)];
    }
  }
}

function memberAccountPrecondition(accountId: string, management: Read<string>): Precondition {
  if (!management.ok) {
    const e = explainRemediationFailure(management);
    return unknown("member-account", `not known whether ${accountId} is the management account: ${management.api} could not be read: ${e.cause}`, e.fix);
  }
  if (management.value === accountId) {
    return missing(
      "member-account",
      `${accountId} is the organization's management account: sts:AssumeRoot opens sessions in member accounts only`,
      "delete the management account's root access keys signed in as its root user (Security credentials > Access keys), then run guardrails check on it",
    );
  }
  return ok("member-account", `${accountId} is a member account (the management account is ${management.value})`);
}

function activePrecondition(accountId: string, read: Read<AccountStatusEvidence>): Precondition {
  const d = decideAccountStatus(accountId, read);
  if (d.verdict === "PASS") return ok("account-active", `${accountId} is ACTIVE in AWS Organizations (${d.source.summary})`);
  if (d.status !== null) {
    return missing("account-active", `${accountId} is ${d.status} in AWS Organizations: a root session can be opened only in an ACTIVE member account`, "reinstate the account (or finish its sign-up) in AWS Organizations, then rerun");
  }
  if (!read.ok && read.kind === "not-found") {
    return missing("account-active", `${accountId} is not an account of this organization (${read.api} answered ${read.code ?? "not found"})`, "check the account id and that remediate runs with this organization's management (or IAM delegated administrator) credentials");
  }
  if (!read.ok) {
    const e = explainRemediationFailure(read);
    return unknown("account-active", `the Organizations status of ${accountId} could not be read: ${e.cause}`, e.fix);
  }
  return unknown("account-active", d.reason ?? `the Organizations status of ${accountId} is unknown`, "rerun");
}

/** Every precondition, in a stable order: caller, trusted-access, root-credentials-management, root-sessions, member-account, account-active. */
export function decidePreconditions(r: PreconditionReads): Precondition[] {
  return [...featurePreconditions(r.features), memberAccountPrecondition(r.accountId, r.managementAccount), activePrecondition(r.accountId, r.accountStatus)];
}

/** A root session may be opened only when every precondition holds. */
export function preconditionsHold(p: readonly Precondition[]): boolean {
  return p.every((x) => x.status === "ok");
}
