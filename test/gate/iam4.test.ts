import { decideIam4 } from "../../gates/decide/iam4";
import { isIam4Finding } from "../../gates/decide/iam4-findings";
import type { FindingSummary, Iam4Evidence, Verdict } from "../../gates/types";
import {
  ACCOUNT,
  CIS120_1_12_EVENT,
  CIS120_1_4_IAM3,
  CIS140_1_4_FAILED,
  CONSOLIDATED_PASSED,
  FSBP_IAM3,
  HOME,
  STALE,
  cleanReportFor,
  editReportField,
  failed,
  finding,
  ok,
  passingEvidence,
} from "./helpers";

/* ---- sources, each broken in one way ---- */
const A0 = ok({ accountAccessKeysPresent: 0 });
const A1 = ok({ accountAccessKeysPresent: 1 });
const A_MISSING = ok({ accountAccessKeysPresent: null });
const A_DENIED = { ...failed<{ accountAccessKeysPresent: number | null }>("access-denied", "not authorized to perform iam:GetAccountSummary"), api: "iam:GetAccountSummary", code: "AccessDenied" };

const report = (content: string, generatedTime: string | null = "2026-11-22T09:00:00Z") => ok({ content, generatedTime });
const B_CLEAN = report(cleanReportFor());
const B_INACTIVE_KEY = report(editReportField(cleanReportFor(), "access_key_1_last_rotated", "2020-08-18T14:36:56+00:00"));
const B_ACTIVE_UPPER = report(editReportField(editReportField(cleanReportFor(), "access_key_2_active", "TRUE"), "access_key_2_last_rotated", "2026-01-01T00:00:00Z"));
const B_STALE = report(cleanReportFor(), "2026-11-22T05:59:00Z"); // 4 h 1 min
const B_FUTURE = report(cleanReportFor(), "2026-11-22T11:00:00Z");
const B_NO_TIME = report(cleanReportFor(), null);
const B_UNKNOWN_BOOL = report(editReportField(cleanReportFor(), "access_key_1_active", "maybe"));
const B_MALFORMED = report(cleanReportFor().replace("Ad,arn:", "Ad,x,arn:"));
const B_OTHER_ACCOUNT = report(cleanReportFor("999999999999"));
const B_ERROR = failed<{ content: string; generatedTime: string | null }>("timeout", "GetCredentialReport timed out");

/* ---- findings, from the real fixtures (re-dated fresh, moved to ACCOUNT/HOME where needed) ---- */
const here = { awsAccountId: ACCOUNT, region: HOME };
const PASSED = finding(CONSOLIDATED_PASSED);
const FAILED_F = finding(CONSOLIDATED_PASSED, { complianceStatus: "FAILED", workflowStatus: "NEW" });
const SUPPRESSED_FAILED = finding(CONSOLIDATED_PASSED, { complianceStatus: "FAILED", workflowStatus: "SUPPRESSED" });
const STALE_FAILED = finding(CONSOLIDATED_PASSED, { complianceStatus: "FAILED" }, STALE);
const STALE_PASSED = finding(CONSOLIDATED_PASSED, {}, STALE);
const EMPTY_EVAL = finding(CONSOLIDATED_PASSED, { statusReasonCodes: ["CONFIG_EVALUATIONS_EMPTY"] });
const NOT_AVAILABLE = finding(CONSOLIDATED_PASSED, { complianceStatus: "NOT_AVAILABLE", statusReasonCodes: ["CONFIG_RETURNS_NOT_APPLICABLE"] });
const WARNING = finding(CONSOLIDATED_PASSED, { complianceStatus: "WARNING" });
const ARCHIVED_FAILED = finding(CONSOLIDATED_PASSED, { complianceStatus: "FAILED", recordState: "ARCHIVED" });
const OTHER_ACCOUNT_FAILED = finding(CONSOLIDATED_PASSED, { complianceStatus: "FAILED", awsAccountId: "444455556666" });
const OTHER_REGION_FAILED = finding(CONSOLIDATED_PASSED, { complianceStatus: "FAILED", region: "eu-west-1" });
const PROWLER_FAILED = finding(CONSOLIDATED_PASSED, {
  complianceStatus: "FAILED",
  productName: "Prowler",
  productArn: "arn:aws:securityhub:us-west-2::product/prowler/prowler",
});
/** CIS 1.2.0 rule 1.12 inside the real EventBridge event, SecurityControlId removed: legacy-only match. */
const LEGACY_1_12_PASSED = finding(CIS120_1_12_EVENT, { securityControlId: null });
const LEGACY_1_12_FAILED = finding(CIS120_1_12_EVENT, { securityControlId: null, complianceStatus: "FAILED" });
/** CIS 1.2.0 rule 1.4 is IAM.3 (key rotation): moved to our account/region, it must still not count. */
const CIS120_RULE_1_4_FAILED = finding(CIS120_1_4_IAM3, here);
const FSBP_IAM3_FAILED = finding(FSBP_IAM3, here);
/** CIS 1.4.0 rule 1.4 (= IAM.4), real doc sample: full-ARN generator id, no SecurityControlId. */
const CIS140_ARN_FAILED = finding(CIS140_1_4_FAILED, here);
const CIS140_ARN_PASSED = finding(CIS140_1_4_FAILED, { ...here, complianceStatus: "PASSED" });
const CIS140_BARE_PASSED = finding(CIS140_1_4_FAILED, { ...here, complianceStatus: "PASSED", generatorId: "cis-aws-foundations-benchmark/v/1.4.0/1.4" });
const FSBP_LEGACY_PASSED = finding(CONSOLIDATED_PASSED, { securityControlId: null, generatorId: "aws-foundational-security-best-practices/v/1.0.0/IAM.4" });
const FSBP_LEGACY_ARN_FAILED = finding(CONSOLIDATED_PASSED, {
  securityControlId: null,
  complianceStatus: "FAILED",
  generatorId: "arn:aws:securityhub:::standards/aws-foundational-security-best-practices/v/1.0.0/IAM.4",
});

const C = (...list: FindingSummary[]) => ok(list, { api: "securityhub:GetFindings" });
const C_NOT_ENABLED = failed<FindingSummary[]>("not-enabled", "InvalidAccessException: Account is not subscribed to AWS Security Hub");
const C_THROTTLED = failed<FindingSummary[]>("throttled", "TooManyRequestsException");
const RCM_ON = ok(true);
const RCM_OFF = ok(false);
const RCM_DENIED = failed<boolean>("access-denied", "not authorized to perform iam:ListOrganizationsFeatures");

type Row = [string, Partial<Iam4Evidence>, Verdict, string];
const accept = { acceptNoRootCredentials: true };

const table: Row[] = [
  // PASS
  ["all three sources prove no key", { accountSummary: A0, credentialReport: B_CLEAN }, "PASS", "GetAccountSummary reports 0"],
  ["PASSED + archived FAILED + other account/region/product FAILED", { findings: C(PASSED, ARCHIVED_FAILED, OTHER_ACCOUNT_FAILED, OTHER_REGION_FAILED, PROWLER_FAILED) }, "PASS", "1 fresh"],
  ["legacy CIS 1.2.0 rule 1.12 (EventBridge fixture) counts", { findings: C(LEGACY_1_12_PASSED) }, "PASS", "are PASSED"],
  ["legacy CIS 1.4.0 rule 1.4 full ARN counts", { findings: C(CIS140_ARN_PASSED) }, "PASS", "are PASSED"],
  ["legacy CIS 1.4.0 rule 1.4 bare form counts", { findings: C(CIS140_BARE_PASSED) }, "PASS", "are PASSED"],
  ["legacy FSBP IAM.4 counts", { findings: C(FSBP_LEGACY_PASSED) }, "PASS", "are PASSED"],
  ["CIS 1.2.0 rule 1.4 FAILED (IAM.3) does not count against IAM.4", { findings: C(PASSED, CIS120_RULE_1_4_FAILED, FSBP_IAM3_FAILED) }, "PASS", "are PASSED"],

  // FAIL: A > 0 wins over everything
  ["A = 1, B clean, C PASSED", { accountSummary: A1 }, "FAIL", "reports 1 root access key"],
  // FAIL: B shows a key and A does not contradict
  ["B inactive key (last_rotated date) with A unknown", { accountSummary: A_DENIED, credentialReport: B_INACTIVE_KEY }, "FAIL", "inactive, last rotated 2020-08-18"],
  ["B uppercase TRUE with A missing from SummaryMap", { accountSummary: A_MISSING, credentialReport: B_ACTIVE_UPPER }, "FAIL", "slot 2 (active)"],
  ["B key, A = 0: sources disagree", { credentialReport: B_INACTIVE_KEY }, "INCONCLUSIVE", "Sources disagree"],
  // FAIL: fresh FAILED finding not contradicted
  ["C FAILED, A and B both unavailable", { accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(FAILED_F) }, "FAIL", "no newer source shows"],
  ["C FAILED SUPPRESSED still fails", { accountSummary: A_DENIED, credentialReport: B_STALE, findings: C(SUPPRESSED_FAILED) }, "FAIL", "suppression does not waive IAM.4"],
  ["C legacy CIS 1.2.0 1.12 FAILED, A missing, B malformed", { accountSummary: A_MISSING, credentialReport: B_MALFORMED, findings: C(LEGACY_1_12_FAILED) }, "FAIL", "IAM.4 FAILED"],
  ["C CIS 1.4.0 (doc sample) FAILED, A and B unavailable", { accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(CIS140_ARN_FAILED) }, "FAIL", "aea33149"],
  ["C FSBP legacy ARN FAILED, A and B unavailable", { accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(FSBP_LEGACY_ARN_FAILED) }, "FAIL", "IAM.4 FAILED"],
  ["C FAILED alongside PASSED, A and B unknown", { accountSummary: A_DENIED, credentialReport: B_UNKNOWN_BOOL, findings: C(PASSED, FAILED_F) }, "FAIL", "IAM.4 FAILED"],
  // contradicted FAILED findings
  ["C FAILED, A unknown, B clean", { accountSummary: A_DENIED, findings: C(FAILED_F) }, "INCONCLUSIVE", "but the credential report (newer) shows no root access key"],
  ["C FAILED, A = 0, B unknown", { credentialReport: B_STALE, findings: C(FAILED_F) }, "INCONCLUSIVE", "but GetAccountSummary (newer) shows no root access key"],
  ["C FAILED, A = 0, B clean", { findings: C(FAILED_F) }, "INCONCLUSIVE", "GetAccountSummary and the credential report (newer) show no root access key"],
  // findings that must not count as FAILED evidence
  ["stale FAILED, A and B unavailable", { accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(STALE_FAILED) }, "INCONCLUSIVE", "is stale"],
  ["archived FAILED only, A and B unavailable", { accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(ARCHIVED_FAILED) }, "INCONCLUSIVE", "no IAM.4 finding"],
  ["other-account FAILED only", { accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(OTHER_ACCOUNT_FAILED) }, "INCONCLUSIVE", "no IAM.4 finding"],
  ["other-region FAILED only", { accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(OTHER_REGION_FAILED) }, "INCONCLUSIVE", "no IAM.4 finding"],
  ["other-product FAILED only", { accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(PROWLER_FAILED) }, "INCONCLUSIVE", "no IAM.4 finding"],
  ["CIS 1.2.0 rule 1.4 FAILED only (IAM.3)", { accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(CIS120_RULE_1_4_FAILED) }, "INCONCLUSIVE", "no IAM.4 finding"],

  // INCONCLUSIVE: A or B unknown while C passes
  ["A access denied", { accountSummary: A_DENIED }, "INCONCLUSIVE", "GetAccountSummary could not be read in 111122223333 (us-west-2): iam:GetAccountSummary was denied"],
  ["A read in another account", { accountSummary: ok({ accountAccessKeysPresent: 0 }, { accountId: "444455556666" }) }, "INCONCLUSIVE", "was read in 444455556666"],
  ["A missing from SummaryMap (never read as 0)", { accountSummary: A_MISSING }, "INCONCLUSIVE", "AccountAccessKeysPresent"],
  ["B stale (4 h 1 min)", { credentialReport: B_STALE }, "INCONCLUSIVE", "is stale"],
  ["B generated in the future", { credentialReport: B_FUTURE }, "INCONCLUSIVE", "in the future"],
  ["B without GeneratedTime", { credentialReport: B_NO_TIME }, "INCONCLUSIVE", "no valid GeneratedTime"],
  ["B unknown boolean", { credentialReport: B_UNKNOWN_BOOL }, "INCONCLUSIVE", "unreadable access key fields"],
  ["B malformed", { credentialReport: B_MALFORMED }, "INCONCLUSIVE", "malformed"],
  ["B of another account", { credentialReport: B_OTHER_ACCOUNT }, "INCONCLUSIVE", "another account or partition"],
  ["B read timed out", { credentialReport: B_ERROR }, "INCONCLUSIVE", "timeout"],
  // INCONCLUSIVE: C does not pass
  ["Security Hub not enabled", { findings: C_NOT_ENABLED }, "INCONCLUSIVE", "Security Hub is not enabled"],
  ["findings throttled", { findings: C_THROTTLED }, "INCONCLUSIVE", "throttled"],
  ["no finding yet", { findings: C() }, "INCONCLUSIVE", `Security Hub has no IAM.4 finding for ${ACCOUNT} in ${HOME} yet`],
  ["stale PASSED", { findings: C(STALE_PASSED) }, "INCONCLUSIVE", "is stale"],
  ["PASSED with CONFIG_EVALUATIONS_EMPTY", { findings: C(EMPTY_EVAL) }, "INCONCLUSIVE", "CONFIG_EVALUATIONS_EMPTY"],
  ["PASSED + CONFIG_EVALUATIONS_EMPTY PASSED", { findings: C(PASSED, EMPTY_EVAL) }, "INCONCLUSIVE", "CONFIG_EVALUATIONS_EMPTY"],
  ["NOT_AVAILABLE", { findings: C(NOT_AVAILABLE) }, "INCONCLUSIVE", "NOT_AVAILABLE"],
  ["WARNING", { findings: C(WARNING) }, "INCONCLUSIVE", "status WARNING"],
  ["PASSED in another region only", { findings: C(finding(CONSOLIDATED_PASSED, { region: "us-east-1" })) }, "INCONCLUSIVE", "no IAM.4 finding"],

  // centrally removed root credentials
  ["no finding, default: explains centrally removed root credentials", { findings: C() }, "INCONCLUSIVE", "--accept-no-root-credentials"],
  ["accept + management on + no finding", { ...accept, rootCredentialsManagement: RCM_ON, findings: C() }, "PASS", "--accept-no-root-credentials was given"],
  ["accept + management on + NOT_AVAILABLE", { ...accept, rootCredentialsManagement: RCM_ON, findings: C(NOT_AVAILABLE) }, "PASS", "root credentials management is enabled"],
  ["accept + management off", { ...accept, rootCredentialsManagement: RCM_OFF, findings: C() }, "INCONCLUSIVE", "does not list RootCredentialsManagement"],
  ["accept + management unreadable", { ...accept, rootCredentialsManagement: RCM_DENIED, findings: C() }, "INCONCLUSIVE", "could not be read"],
  ["accept + management not read", { ...accept, rootCredentialsManagement: null, findings: C() }, "INCONCLUSIVE", "it was not read"],
  ["accept + Security Hub not enabled", { ...accept, rootCredentialsManagement: RCM_ON, findings: C_NOT_ENABLED }, "INCONCLUSIVE", "Security Hub is not enabled"],
  ["accept + A unknown", { ...accept, rootCredentialsManagement: RCM_ON, accountSummary: A_DENIED, findings: C() }, "INCONCLUSIVE", "iam:GetAccountSummary was denied"],
  ["accept + B stale", { ...accept, rootCredentialsManagement: RCM_ON, credentialReport: B_STALE, findings: C() }, "INCONCLUSIVE", "is stale"],
  ["accept + B key", { ...accept, rootCredentialsManagement: RCM_ON, accountSummary: A_DENIED, credentialReport: B_INACTIVE_KEY, findings: C() }, "FAIL", "root access key"],
  ["accept + A = 1", { ...accept, rootCredentialsManagement: RCM_ON, accountSummary: A1, findings: C() }, "FAIL", "reports 1 root access key"],
  ["accept does not cover CONFIG_EVALUATIONS_EMPTY", { ...accept, rootCredentialsManagement: RCM_ON, findings: C(EMPTY_EVAL) }, "INCONCLUSIVE", "CONFIG_EVALUATIONS_EMPTY"],
  ["accept does not cover a stale PASSED", { ...accept, rootCredentialsManagement: RCM_ON, findings: C(STALE_PASSED) }, "INCONCLUSIVE", "is stale"],

  ["the gate's clock is not a timestamp", { now: "yesterday" }, "INCONCLUSIVE", "clock"],
];

describe("decideIam4 decision table (DESIGN.md section 5)", () => {
  it.each(table)("%s -> %s", (_name, over, verdict, reason) => {
    const decision = decideIam4(passingEvidence(over));
    expect(decision.id).toBe("IAM.4");
    expect(decision.verdict).toBe(verdict);
    expect(decision.reasons.join("\n")).toContain(reason);
    expect(decision.reasons.length).toBeGreaterThan(0);
  });
});

describe("decideIam4 in the aws-us-gov partition", () => {
  const gov: Partial<Iam4Evidence> = {
    partition: "aws-us-gov",
    homeRegion: "us-gov-west-1",
    credentialReport: report(cleanReportFor(ACCOUNT, "aws-us-gov")),
  };
  const govFinding = (over: Partial<FindingSummary>) =>
    finding(CIS120_1_12_EVENT, {
      region: "us-gov-west-1",
      securityControlId: null, // GovCloud keeps legacy shapes
      productName: null, // only the product ARN says it is Security Hub
      productArn: "arn:aws-us-gov:securityhub:us-gov-west-1::product/aws/securityhub",
      generatorId: "arn:aws-us-gov:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.12",
      ...over,
    });
  it("a legacy CIS 1.2.0 1.12 PASSED finding with aws-us-gov ARNs passes", () => {
    expect(decideIam4(passingEvidence({ ...gov, findings: C(govFinding({})) })).verdict).toBe("PASS");
  });
  it("the same finding FAILED fails when A and B are unavailable", () => {
    const d = decideIam4(passingEvidence({ ...gov, accountSummary: A_DENIED, credentialReport: B_ERROR, findings: C(govFinding({ complianceStatus: "FAILED" })) }));
    expect(d.verdict).toBe("FAIL");
  });
  it("aws-us-gov CIS 1.2.0 rule 1.4 is still IAM.3", () => {
    const d = decideIam4(
      passingEvidence({ ...gov, findings: C(govFinding({ generatorId: "arn:aws-us-gov:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.4" })) }),
    );
    expect(d.verdict).toBe("INCONCLUSIVE");
  });
  it("a commercial-partition report is rejected for an aws-us-gov account", () => {
    const d = decideIam4(passingEvidence({ ...gov, credentialReport: B_CLEAN, findings: C(govFinding({})) }));
    expect(d.verdict).toBe("INCONCLUSIVE");
    expect(d.reasons.join(" ")).toContain("arn:aws-us-gov:iam::111122223333:root");
  });
});

describe("isIam4Finding", () => {
  const base = finding(CONSOLIDATED_PASSED, { securityControlId: null });
  it.each([
    ["security-control/IAM.4", true],
    ["arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.12", true],
    ["arn:aws-cn:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.12", true],
    ["cis-aws-foundations-benchmark/v/1.4.0/1.4", true],
    ["arn:aws:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0/1.4", true],
    ["arn:aws-us-gov:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0/1.4", true],
    ["aws-foundational-security-best-practices/v/1.0.0/IAM.4", true],
    ["arn:aws-us-gov:securityhub:::standards/aws-foundational-security-best-practices/v/1.0.0/IAM.4", true],
    ["arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.4", false],
    ["cis-aws-foundations-benchmark/v/1.4.0/1.14", false],
    ["cis-aws-foundations-benchmark/v/1.4.0/1.44", false],
    ["aws-foundational-security-best-practices/v/1.0.0/IAM.3", false],
    ["security-control/IAM.3", false],
    ["prowler-iam_no_root_access_key", false],
  ] as [string, boolean][])("%s -> %s", (generatorId, expected) => {
    expect(isIam4Finding({ ...base, generatorId })).toBe(expected);
  });
  it("SecurityControlId decides when present, except for the CIS 1.2.0 rule 1.4 trap", () => {
    expect(isIam4Finding({ ...base, generatorId: "whatever", securityControlId: "IAM.4" })).toBe(true);
    expect(isIam4Finding({ ...base, generatorId: "cis-aws-foundations-benchmark/v/1.4.0/1.4", securityControlId: "IAM.3" })).toBe(false);
    expect(isIam4Finding({ ...base, generatorId: "arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.4", securityControlId: "IAM.4" })).toBe(false);
  });
});

describe("decideIam4 sources", () => {
  it("records A, B and C with when and where they were read", () => {
    const d = decideIam4(passingEvidence({ findings: ok([PASSED], { api: "securityhub:GetFindings", accountId: "999988887777", observedAt: "2026-11-22T09:59:00Z" }) }));
    expect(d.sources.map((s) => s.name)).toEqual(["account-summary", "credential-report", "security-hub", "security-hub-enabled"]);
    expect(d.sources[0]?.summary).toBe("AccountAccessKeysPresent=0");
    expect(d.sources[1]?.summary).toContain("generated 2026-11-22T09:00:00Z");
    expect(d.sources[1]?.summary).toContain("access_key_1_active=false");
    expect(d.sources[2]).toEqual({
      name: "security-hub",
      observedAt: "2026-11-22T09:59:00Z",
      summary: "1 IAM.4 finding(s) counted: 1 PASSED",
      accountId: "999988887777",
      region: HOME,
      api: "securityhub:GetFindings",
    });
  });
  it("says which findings were ignored and why", () => {
    const d = decideIam4(passingEvidence({ findings: C(PASSED, ARCHIVED_FAILED, OTHER_REGION_FAILED, CIS120_RULE_1_4_FAILED) }));
    expect(d.sources[2]?.summary).toBe("1 IAM.4 finding(s) counted: 1 PASSED; 3 ignored: 1 archived, 1 other-region, 1 other-control");
  });
  it("adds the organizations features read when it was made", () => {
    const d = decideIam4(passingEvidence({ ...accept, rootCredentialsManagement: RCM_ON, findings: C() }));
    expect(d.sources.map((s) => s.name)).toContain("organizations-features");
  });
});
