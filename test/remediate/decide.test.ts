/**
 * The remediation's pure decisions, table by table: what the live sources prove, each precondition from what
 * IAM and Organizations answered, and the exit code of every combination DESIGN.md section 11 names.
 */
import { AwsClientFactory } from "../../gates/aws/clients";
import { decideRemediation } from "../../gates/remediate/decide";
import { decidePreconditions, ENABLE_IAM_TRUSTED_ACCESS, ENABLE_ROOT_CREDENTIALS_MANAGEMENT, ENABLE_ROOT_SESSIONS } from "../../gates/remediate/preconditions";
import { presenceOf } from "../../gates/remediate/state";
import type { DeletionAttempt, OrganizationFeatures, RemediationEvidence, RootAccessKey, RootKeyState } from "../../gates/remediate/types";
import type { AccountStatusEvidence, Read, ReadFailure } from "../../gates/types";

const ACCOUNT = "444444444444";
const AT = "2026-11-22T10:00:00.000Z";
const where = { accountId: ACCOUNT, region: "eu-west-1", observedAt: AT };
const ok = <T>(value: T, api = "iam:X"): Read<T> => ({ ok: true, value, api, ...where });
const fail = (api: string, kind: ReadFailure["kind"], code: string, extra: Partial<ReadFailure> = {}): ReadFailure => ({ ok: false, kind, code, message: `${api}: ${code}`, api, ...where, ...extra });
const KEY_A = { accessKeyId: "AKIA444444444444RTK1", status: "Active", createDate: "2026-01-01T00:00:00.000Z" };
const KEY_B = { accessKeyId: "AKIA444444444444RTK2", status: "Inactive", createDate: "2026-02-01T00:00:00.000Z" };

const state = (keys: Read<RootAccessKey[]> | null, count: number | null | "fail", report: string | null = null): RootKeyState => ({
  keys,
  lastUsed: {},
  accountSummary: count === "fail" ? fail("iam:GetAccountSummary", "throttled", "Throttling") : ok({ accountAccessKeysPresent: count }, "iam:GetAccountSummary"),
  credentialReport: report === null ? null : ok({ content: report, generatedTime: "2026-11-22T09:00:00.000Z" }, "iam:GetCredentialReport"),
});

describe("presenceOf: what the two live sources prove", () => {
  it.each<[string, RootKeyState, boolean, string]>([
    ["root session lists a key", state(ok([KEY_A]), 1), false, "present"],
    ["root session lists a key the summary does not count yet", state(ok([KEY_A]), 0), false, "present"],
    ["both show none", state(ok([]), 0), false, "absent"],
    ["summary 0, no root session (a precondition is missing)", state(null, 0), false, "absent"],
    ["root session lists none, summary unreadable", state(ok([]), "fail"), false, "absent"],
    ["root session lists none, summary unreadable, after deleting: not proven", state(ok([]), "fail"), true, "unknown"],
    ["summary 0, root session failed, after deleting: not proven", state(fail("iam:ListAccessKeys", "access-denied", "AccessDenied"), 0), true, "unknown"],
    ["root session lists none, summary still counts one", state(ok([]), 1), true, "disagree"],
    ["summary counts one, root session not opened", state(null, 1), false, "present"],
    ["summary key missing from SummaryMap, no root session", state(null, null), false, "unknown"],
  ])("%s", (_name, s, requireBoth, kind) => {
    expect(presenceOf(s, requireBoth).kind).toBe(kind);
  });
});

const features = (enabled: string[]): Read<OrganizationFeatures> => ok({ enabledFeatures: enabled, organizationId: "o-exampleorg1" }, "iam:ListOrganizationsFeatures");
const active: Read<AccountStatusEvidence> = ok({ state: "ACTIVE", status: "ACTIVE" }, "organizations:DescribeAccount");
const BOTH = ["RootCredentialsManagement", "RootSessions"];

describe("decidePreconditions: each one that does not hold is named with its fix", () => {
  const statuses = (f: Read<OrganizationFeatures>, management: Read<string> = ok("111111111111"), status: Read<AccountStatusEvidence> = active) =>
    Object.fromEntries(decidePreconditions({ accountId: ACCOUNT, features: f, managementAccount: management, accountStatus: status }).map((p) => [p.id, [p.status, p.fix]]));

  it("all hold", () => {
    expect(Object.values(statuses(features(BOTH))).map(([s]) => s)).toEqual(["ok", "ok", "ok", "ok", "ok", "ok"]);
  });

  it.each<[string, Read<OrganizationFeatures>, Record<string, [string, string | RegExp]>]>([
    ["RootSessions not enabled", features(["RootCredentialsManagement"]), { "root-sessions": ["missing", ENABLE_ROOT_SESSIONS], "root-credentials-management": ["ok", ""] }],
    ["RootCredentialsManagement not enabled", features(["RootSessions"]), { "root-credentials-management": ["missing", ENABLE_ROOT_CREDENTIALS_MANAGEMENT] }],
    [
      "IAM's trusted access not enabled (ServiceAccessNotEnabledException)",
      fail("iam:ListOrganizationsFeatures", "error", "ServiceAccessNotEnabledException"),
      { caller: ["ok", ""], "trusted-access": ["missing", ENABLE_IAM_TRUSTED_ACCESS], "root-sessions": ["missing", new RegExp(`^${ENABLE_IAM_TRUSTED_ACCESS}, then`)] },
    ],
    ["not all features (OrganizationNotInAllFeaturesModeException)", fail("iam:ListOrganizationsFeatures", "error", "OrganizationNotInAllFeaturesModeException"), { "trusted-access": ["missing", /enable-all-features/] }],
    ["caller is neither management nor IAM delegated admin", fail("iam:ListOrganizationsFeatures", "error", "AccountNotManagementOrDelegatedAdministratorException"), { caller: ["missing", /management account.*delegated administrator/], "root-sessions": ["unknown", /management account/] }],
    ["ListOrganizationsFeatures denied: unknown, with the policy that grants it", fail("iam:ListOrganizationsFeatures", "access-denied", "AccessDenied"), { caller: ["unknown", /GuardrailsRootRemediation/], "root-sessions": ["unknown", /GuardrailsRootRemediation/] }],
    ["ListOrganizationsFeatures throttled beyond retries", fail("iam:ListOrganizationsFeatures", "throttled", "Throttling"), { "root-sessions": ["unknown", /rerun later/] }],
  ])("%s", (_name, f, expected) => {
    const got = statuses(f);
    for (const [id, [status, fix]] of Object.entries(expected)) {
      expect(got[id]?.[0]).toBe(status);
      if (typeof fix === "string") expect(got[id]?.[1]).toBe(fix);
      else expect(got[id]?.[1]).toMatch(fix);
    }
  });

  it("the management account is not a member account; a suspended or unknown account is not ACTIVE", () => {
    expect(statuses(features(BOTH), ok(ACCOUNT))["member-account"]).toEqual(["missing", expect.stringContaining("signed in as its root user")]);
    expect(statuses(features(BOTH), fail("organizations:DescribeOrganization", "access-denied", "AccessDeniedException"))["member-account"]).toEqual(["unknown", expect.stringContaining("GuardrailsRootRemediation")]);
    expect(statuses(features(BOTH), ok("111111111111"), ok({ state: "SUSPENDED", status: "SUSPENDED" }))["account-active"]).toEqual(["missing", expect.stringContaining("reinstate")]);
    expect(statuses(features(BOTH), ok("111111111111"), fail("organizations:DescribeAccount", "not-found", "AccountNotFoundException"))["account-active"][0]).toBe("missing");
  });
});

function evidence(over: Partial<RemediationEvidence> & { before: RootKeyState }): RemediationEvidence {
  return {
    accountId: ACCOUNT,
    partition: "aws",
    homeRegion: "eu-west-1",
    mode: "dry-run",
    startedAt: AT,
    features: features(BOTH),
    managementAccount: ok("111111111111"),
    accountStatus: active,
    session: { taskPolicyArn: "arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials", durationSeconds: 60, region: "eu-west-1", opened: ok({ expiresAt: AT }, "sts:AssumeRoot") },
    deletions: [],
    after: null,
    recheckRounds: 0,
    finishedAt: AT,
    ...over,
  };
}
const deletion = (key: RootAccessKey, result: DeletionAttempt["result"]): DeletionAttempt => ({
  accessKeyId: key.accessKeyId, statusBefore: key.status, requestedAt: AT, completedAt: AT, result, error: result === "failed" ? { code: "AccessDenied", message: "iam:DeleteAccessKey: access denied" } : null,
});
const assumeRootDenied = fail("sts:AssumeRoot", "access-denied", "AccessDenied", { resource: `arn:aws:iam::${ACCOUNT}:root`, failedCall: "sts:AssumeRoot" });

describe("decideRemediation: exit codes (0 no key remains, 1 a key remains, 3 not proven)", () => {
  it.each<[string, RemediationEvidence, 0 | 1 | 3, string, RegExp]>([
    ["none existed", evidence({ before: state(ok([]), 0) }), 0, "no-root-key", /No root access key exists in 444444444444: the root session lists none and GetAccountSummary counts 0/],
    ["dry run with keys", evidence({ before: state(ok([KEY_A, KEY_B]), 2) }), 1, "keys-found", /Dry run: 2 root access keys of 444444444444 would be deleted: \*{16}RTK1 \(Active/],
    [
      "apply: both deleted, both live sources show none",
      evidence({ mode: "apply", before: state(ok([KEY_A, KEY_B]), 2), deletions: [deletion(KEY_A, "deleted"), deletion(KEY_B, "already-gone")], after: state(ok([]), 0), recheckRounds: 1 }),
      0, "removed", /2 root access keys of 444444444444 deleted; no root access key remains/,
    ],
    [
      "apply: one deletion failed",
      evidence({ mode: "apply", before: state(ok([KEY_A, KEY_B]), 2), deletions: [deletion(KEY_A, "deleted"), deletion(KEY_B, "failed")], after: state(ok([KEY_B]), 1), recheckRounds: 1 }),
      1, "keys-remain", /1 root access key remains in 444444444444 after --apply/,
    ],
    [
      "apply: deleted, but GetAccountSummary unreadable afterwards: removal not proven",
      evidence({ mode: "apply", before: state(ok([KEY_A]), 1), deletions: [deletion(KEY_A, "deleted")], after: state(ok([]), "fail"), recheckRounds: 1 }),
      3, "not-proven", /could not be proven/,
    ],
    [
      "apply: the summary still counts the deleted key at the deadline",
      evidence({ mode: "apply", before: state(ok([KEY_A]), 1), deletions: [deletion(KEY_A, "deleted")], after: state(ok([]), 1), recheckRounds: 4 }),
      3, "not-proven", /sources disagree .* after 4 re-checks/,
    ],
    ["precondition missing, the summary counts a key", evidence({ features: features(["RootCredentialsManagement"]), session: null, before: state(null, 1) }), 1, "keys-remain", /GetAccountSummary counts 1.*cannot delete them until every precondition holds/],
    ["precondition missing, no key: nothing to do (said)", evidence({ features: features([]), session: null, before: state(null, 0) }), 0, "no-root-key", /GetAccountSummary counts 0/],
    ["precondition missing, key count unknown", evidence({ features: features([]), session: null, before: state(null, "fail") }), 3, "not-proven", /could not be proven/],
    [
      "AssumeRoot denied, the summary counts a key",
      evidence({ session: { taskPolicyArn: "arn", durationSeconds: 60, region: "eu-west-1", opened: assumeRootDenied }, before: state({ ...assumeRootDenied, api: "iam:ListAccessKeys" }, 2) }),
      3, "not-proven", /GetAccountSummary counts 2.*the root session could not list them/,
    ],
  ])("%s", (_name, e, exitCode, result, reason) => {
    const report = decideRemediation(e);
    expect([report.exitCode, report.result]).toEqual([exitCode, result]);
    expect(report.reasons.join("\n")).toMatch(reason);
    // Key ids are masked everywhere in the report.
    expect(JSON.stringify(report)).not.toMatch(/AKIA[A-Z0-9]{16}/);
  });

  it("AssumeRoot denied names the call and the policy that grants it", () => {
    const report = decideRemediation(evidence({ session: { taskPolicyArn: "arn", durationSeconds: 60, region: "eu-west-1", opened: assumeRootDenied }, before: state({ ...assumeRootDenied, api: "iam:ListAccessKeys" }, 2) }));
    expect(report.reasons.join("\n")).toMatch(/sts:AssumeRoot into 444444444444 was denied .*GuardrailsRootRemediation/);
    expect(report.session?.error).toMatch(/sts:AssumeRoot into 444444444444 was denied/);
  });

  it("the 4 h note: removal proven live while the report IAM serves still shows the key; none once a fresh report is clean", () => {
    const header = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
    const row = (key: string) => `<root_account>,arn:aws:iam::${ACCOUNT}:root,2024-01-15T10:00:00Z,true,no_information,2024-01-15T10:00:00Z,not_supported,true,${key},N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;
    const stale = `${header}\n${row("true,2026-01-01T00:00:00Z")}`;
    const clean = `${header}\n${row("false,N/A")}`;
    const removed = (report: string) => decideRemediation(evidence({ mode: "apply", before: state(ok([KEY_A]), 1), deletions: [deletion(KEY_A, "deleted")], after: state(ok([]), 0, report), recheckRounds: 1 }));
    const lagging = removed(stale);
    expect(lagging.exitCode).toBe(0);
    expect(lagging.iam4RecheckAfter).toBe("2026-11-22T13:00:00.000Z");
    expect(lagging.reasons.join("\n")).toMatch(/generated 2026-11-22T09:00:00.000Z\) still shows a root access key \(slot 1\).*younger than 4 h.*2026-11-22T13:00:00.000Z/);
    expect(removed(clean).iam4RecheckAfter).toBeNull();
  });
});

describe("AssumeRoot goes to a regional STS endpoint", () => {
  it.each(["us-east-1", "eu-west-1", "us-gov-west-1"])("%s resolves to sts.<region>, never the global sts.amazonaws.com", async (region) => {
    const partition = region.startsWith("us-gov") ? "aws-us-gov" : "aws";
    const aws = new AwsClientFactory({ region, partition, callTimeoutMs: 1_000, roleName: "R", sessionName: "s" });
    try {
      const sts = aws.regionalSts();
      const useGlobal = sts.config.useGlobalEndpoint;
      expect(useGlobal).toBe(false);
      const resolve = (global: boolean) => sts.config.endpointProvider({ Region: region, UseGlobalEndpoint: global, UseFIPS: false, UseDualStack: false }).url.href;
      expect(resolve(useGlobal === true)).toBe(`https://sts.${region}.amazonaws.com/`);
      // What the setting prevents: for us-east-1 the SDK would otherwise resolve the legacy global
      // endpoint, whose host names no region (AssumeRoot is refused there).
      if (region === "us-east-1") expect(new URL(resolve(true)).hostname).not.toContain(region);
    } finally {
      aws.destroy();
    }
  });
});
