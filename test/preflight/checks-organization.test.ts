/** Organization-level checks as pure functions: evidence in, status, detail and fix out. */
import { checkDelegatedAdmin, checkOrgAllFeatures, checkScpPolicyType, checkTrustedAccess, type DelegatedAdminEvidence, type RootFacts } from "../../gates/preflight/checks/organization";
import { checkOusExist, checkScpSlots } from "../../gates/preflight/checks/targets";
import { SERVICE_PRINCIPALS } from "../../gates/preflight/plan";
import { failure, success, type CheckStatus, type Outcome } from "../../gates/preflight/types";
import { configWith, IDS, OUS, planOf } from "./helpers";

const plan = planOf();
const denied = <T>(): Outcome<T> => failure<T>("access-denied", "organizations:X: access denied: AccessDeniedException (HTTP 403)");
const org = (over: Partial<{ id: string; featureSet: string; managementAccountId: string }> = {}) => success({ id: "o-exampleorg1", featureSet: "ALL", managementAccountId: IDS.management, ...over });

describe("org-all-features", () => {
  test.each<[string, Parameters<typeof checkOrgAllFeatures>[1], CheckStatus, RegExp, RegExp]>([
    ["all features, ids match", { callerAccountId: success(IDS.management), organization: org() }, "ok", /has all features/, /^$/],
    ["consolidated billing only", { callerAccountId: success(IDS.management), organization: org({ featureSet: "CONSOLIDATED_BILLING" }) }, "missing", /CONSOLIDATED_BILLING, not ALL/, /aws organizations enable-all-features/],
    ["not in an organization", { callerAccountId: success(IDS.management), organization: success(null) }, "missing", /not in an AWS organization/, /create-organization --feature-set ALL/],
    ["another organization id", { callerAccountId: success(IDS.management), organization: org({ id: "o-otherorg123" }) }, "conflict", /o-otherorg123.*organization\.id/, /"organization": \{"id": "o-otherorg123"\}/],
    ["another management account", { callerAccountId: success("999999999999"), organization: org({ managementAccountId: "999999999999" }) }, "conflict", /management account is 999999999999/, /"managementAccountId": "999999999999"/],
    ["missing and conflict together: conflict wins", { callerAccountId: success(IDS.management), organization: org({ featureSet: "CONSOLIDATED_BILLING", id: "o-otherorg123" }) }, "conflict", /CONSOLIDATED_BILLING.*o-otherorg123/, /enable-all-features.*\n.*o-otherorg123/],
    ["credentials of a member account", { callerAccountId: success(IDS.payments), organization: org() }, "unknown", /credentials of account 333333333333, not of the management account 111111111111/, /management account 111111111111/],
    ["organization unreadable", { callerAccountId: success(IDS.management), organization: denied() }, "unknown", /could not read the organization/, /grant the caller organizations:DescribeOrganization/],
  ])("%s", (_name, evidence, status, detail, fix) => {
    const c = checkOrgAllFeatures(plan, evidence);
    expect(c).toMatchObject({ id: "org-all-features", status });
    expect(c.detail).toMatch(detail);
    expect(c.fix).toMatch(fix);
  });

  test("an unreadable caller identity does not hide what the organization shows", () => {
    expect(checkOrgAllFeatures(plan, { callerAccountId: denied(), organization: org() }).status).toBe("ok");
  });
});

describe("scp-policy-type", () => {
  const roots = (status?: string): Outcome<RootFacts[]> => success([{ id: "r-ex01", policyTypes: status === undefined ? [] : [{ type: "SERVICE_CONTROL_POLICY", status }] }]);
  test.each<[string, Outcome<RootFacts[]>, CheckStatus, RegExp]>([
    ["enabled", roots("ENABLED"), "ok", /^$/],
    ["not enabled", roots(), "missing", /^aws organizations enable-policy-type --root-id r-ex01 --policy-type SERVICE_CONTROL_POLICY$/],
    ["pending enable", roots("PENDING_ENABLE"), "missing", /wait a minute/],
    ["pending disable", roots("PENDING_DISABLE"), "missing", /enable-policy-type/],
    ["only another policy type", success([{ id: "r-ex01", policyTypes: [{ type: "TAG_POLICY", status: "ENABLED" }] }]), "missing", /enable-policy-type/],
    ["no root listed", success([]), "unknown", /rerun/],
    ["roots unreadable", denied(), "unknown", /organizations:ListRoots/],
  ])("%s", (_name, evidence, status, fix) => {
    const c = checkScpPolicyType(evidence);
    expect(c.status).toBe(status);
    expect(c.fix).toMatch(fix);
  });
});

describe("trusted-access", () => {
  const all = Object.values(SERVICE_PRINCIPALS);
  test("every principal enabled → ok", () => expect(checkTrustedAccess(success([...all, "sso.amazonaws.com"])).status).toBe("ok"));
  test.each(all.map((p) => [p] as const))("%s absent → missing with its own fix", (principal) => {
    const c = checkTrustedAccess(success(all.filter((p) => p !== principal)));
    expect(c.status).toBe("missing");
    expect(c.detail).toContain(principal);
    const fix = principal === SERVICE_PRINCIPALS.stackSets ? "aws cloudformation activate-organizations-access" : `aws organizations enable-aws-service-access --service-principal ${principal}`;
    expect(c.fix).toBe(fix);
  });
  test("none enabled → one fix line per service", () => expect(checkTrustedAccess(success([])).fix.split("\n")).toHaveLength(4));
  test("unreadable → unknown", () => expect(checkTrustedAccess(failure("throttled", "throttled")).fix).toMatch(/lower --concurrency/));
});

describe("delegated-admin", () => {
  const none: DelegatedAdminEvidence = {
    organizations: Object.fromEntries(Object.values(SERVICE_PRINCIPALS).slice(0, 3).map((p) => [p, success<string[]>([])])),
    securityHubAdmins: success([]),
  };
  const withOrg = (principal: string, ids: string[]): DelegatedAdminEvidence => ({ ...none, organizations: { ...none.organizations, [principal]: success(ids) } });
  test.each<[string, DelegatedAdminEvidence, CheckStatus, RegExp, RegExp]>([
    ["nothing delegated yet", none, "ok", /none yet \(the management stack registers 222222222222\)/, /^$/],
    ["already the security-tooling account", withOrg(SERVICE_PRINCIPALS.config, [IDS.tooling]), "ok", /config\.amazonaws\.com: already 222222222222/, /^$/],
    ["Security Hub off in the management account", { ...none, securityHubAdmins: success("not-subscribed") }, "ok", /not its own administrator/, /^$/],
    ["another Config administrator", withOrg(SERVICE_PRINCIPALS.configMultiAccountSetup, [IDS.payments]), "conflict", /config-multiaccountsetup\.amazonaws\.com: delegated administrator is 333333333333/, /deregister-delegated-administrator --account-id 333333333333 --service-principal config-multiaccountsetup\.amazonaws\.com/],
    ["another Security Hub administrator through Organizations", withOrg(SERVICE_PRINCIPALS.securityHub, [IDS.payments]), "conflict", /securityhub\.amazonaws\.com: delegated administrator is 333333333333/, /deletes its Security Hub central configuration policies/],
    ["the management account administers Security Hub in the home Region", { ...none, securityHubAdmins: success([{ accountId: IDS.management, status: "ENABLED" }]) }, "conflict", /delegated administrator is 111111111111/, /"securityToolingAccountId": "111111111111"/],
    ["one service unreadable", { ...none, organizations: { ...none.organizations, [SERVICE_PRINCIPALS.config]: denied() } }, "unknown", /config\.amazonaws\.com: could not read/, /ListDelegatedAdministrators/],
    ["Security Hub administrators unreadable", { ...none, securityHubAdmins: failure("timeout", "timed out") }, "unknown", /could not read the Security Hub administrator in us-east-1/, /--call-timeout/],
    ["conflict outranks unknown", { organizations: { ...withOrg(SERVICE_PRINCIPALS.config, [IDS.payments]).organizations, [SERVICE_PRINCIPALS.securityHub]: denied() }, securityHubAdmins: success([]) }, "conflict", /could not read.*delegated administrator is 333333333333/, /deregister/],
  ])("%s", (_name, evidence, status, detail, fix) => {
    const c = checkDelegatedAdmin(plan, evidence);
    expect(c.status).toBe(status);
    expect(c.detail).toMatch(detail);
    expect(c.fix).toMatch(fix);
  });
});

describe("ous-exist", () => {
  const roots = success<RootFacts[]>([{ id: "r-ex01", policyTypes: [] }]);
  const ous = (over: Record<string, Outcome<boolean>> = {}) => ({ [OUS.workloads]: success(true), [OUS.production]: success(true), ...over });
  test("every id exists → ok", () => expect(checkOusExist(plan, { roots, ous: ous() })).toMatchObject({ status: "ok", fix: "" }));
  test("an OU of another organization → missing, naming the field and how to list OUs", () => {
    const c = checkOusExist(plan, { roots, ous: ous({ [OUS.production]: success(false) }) });
    expect(c.status).toBe("missing");
    expect(c.detail).toContain(`organization.productionOuId ${OUS.production}`);
    expect(c.fix).toContain("correct organization.productionOuId in guardrails.config.json (list the OUs with: aws organizations list-organizational-units-for-parent --parent-id r-ex01");
  });
  test("a root id that is not the organization's root → missing, with the actual root", () => {
    const c = checkOusExist(planOf(configWith({ organization: { rootId: "r-zz99" } })), { roots, ous: ous() });
    expect(c).toMatchObject({ status: "missing", fix: 'set organization.rootId to "r-ex01" in guardrails.config.json' });
  });
  test("scp.targetIds and securityHub.targetIds are checked too", () => {
    const p = planOf(configWith({ scp: { targetIds: [OUS.security] }, securityHub: { targetIds: ["ou-ex01-elsewhere"] } }));
    const c = checkOusExist(p, { roots, ous: ous({ [OUS.security]: success(true), "ou-ex01-elsewhere": success(false) }) });
    expect(c.status).toBe("missing");
    expect(c.detail).toContain("securityHub.targetIds[0] ou-ex01-elsewhere");
  });
  test("unreadable OU → unknown; missing outranks unknown", () => {
    expect(checkOusExist(plan, { roots, ous: ous({ [OUS.workloads]: denied() }) }).status).toBe("unknown");
    expect(checkOusExist(plan, { roots: denied(), ous: ous() }).status).toBe("unknown");
    expect(checkOusExist(plan, { roots, ous: ous({ [OUS.workloads]: denied(), [OUS.production]: success(false) }) }).status).toBe("missing");
  });
});

describe("scp-slots", () => {
  const policies = (...names: string[]) => success(names.map((name, i) => ({ id: `p-${i}`, name })));
  const others = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? "FullAWSAccess" : `aws-guardrails-${i}`));
  test.each<[string, ReturnType<typeof policies> | Outcome<null>, CheckStatus, RegExp]>([
    ["room for both", policies(...others(1)), "ok", /1 other SCP\(s\) attached \[FullAWSAccess \(p-0\)\] \+ 2 guardrails = 3 of 10/],
    ["exactly full", policies(...others(8)), "ok", /= 10 of 10/],
    ["one over", policies(...others(9)), "conflict", /9 other SCP\(s\).*= 11, over scp\.maxPoliciesPerTarget 10/],
    ["ours already attached are not counted twice", policies(...others(8), "GuardrailsRootUser", "GuardrailsProtectSecurityServices"), "ok", /8 other SCP\(s\).*= 10 of 10/],
    ["target does not exist", success(null), "missing", /no such root or OU/],
    ["unreadable", denied<null>(), "unknown", /could not list its SCPs/],
  ])("%s", (_name, read, status, detail) => {
    const c = checkScpSlots(plan, { [OUS.workloads]: read });
    expect(c.status).toBe(status);
    expect(c.detail).toMatch(detail);
    if (status === "conflict") expect(c.fix).toMatch(/free 1 slot\(s\) on ou-ex01-workloads: aws organizations detach-policy --policy-id <one of the ids above> --target-id ou-ex01-workloads/);
  });

  test("the configured quota and slots: an undercount synth cannot see is named with the config change", () => {
    const p = planOf(configWith({ scp: { maxPoliciesPerTarget: 5, slotsAlreadyUsed: 1 } }));
    const ok = checkScpSlots(p, { [OUS.workloads]: policies(...others(3)) });
    expect(ok.status).toBe("ok");
    expect(ok.detail).toContain(`set "scp": {"slotsAlreadyUsedByTarget": {"${OUS.workloads}": 3}}`);
    expect(checkScpSlots(p, { [OUS.workloads]: policies(...others(4)) }).status).toBe("conflict");
  });

  test("several targets: the worst decides, each is described", () => {
    const p = planOf(configWith({ scp: { targetIds: [OUS.workloads, OUS.security] } }));
    const c = checkScpSlots(p, { [OUS.workloads]: policies(...others(1)), [OUS.security]: policies(...others(9)) });
    expect(c.status).toBe("conflict");
    expect(c.detail).toMatch(/ou-ex01-workloads: .*; ou-ex01-security: .*over/);
  });
});
