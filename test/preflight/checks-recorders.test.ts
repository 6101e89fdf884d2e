/**
 * config-recorders and config-service-linked-role as pure functions: which accounts are read, what each
 * (account, Region) means, and what each account's AWSServiceRoleForConfig means for the stacks.
 */
import { checkConfigServiceLinkedRole } from "../../gates/preflight/checks/config-service-linked-role";
import { checkConfigRecorders, recorderTargets, type AccountRecorders, type OrganizationAccounts, type RecorderFacts, type RecorderTarget } from "../../gates/preflight/checks/config-recorders";
import { failure, success, type CheckStatus, type Outcome } from "../../gates/preflight/types";
import { configWith, IDS, planOf, REGIONS } from "./helpers";

const OUTSIDE = "666666666666";
const accounts: OrganizationAccounts = { active: [IDS.management, IDS.tooling, IDS.payments, IDS.legacy, OUTSIDE], inTargetOus: [IDS.payments, IDS.legacy] };

describe("recorderTargets", () => {
  test("defaults: target-OU accounts and the management account get one; the rest are evaluated", () => {
    const targets = recorderTargets(planOf(), accounts);
    expect(targets).toEqual([
      { accountId: IDS.management, role: "management", getsRecorder: true, evaluated: true },
      { accountId: IDS.tooling, role: "other", getsRecorder: false, evaluated: true },
      { accountId: IDS.payments, role: "target", getsRecorder: true, evaluated: true },
      { accountId: IDS.legacy, role: "target", getsRecorder: true, evaluated: true },
      { accountId: OUTSIDE, role: "other", getsRecorder: false, evaluated: true },
    ]);
  });

  test("recordersExist, managementRecorderExists and excluded accounts", () => {
    const plan = planOf(configWith({ awsConfig: { recordersExist: true, managementRecorderExists: true, excludedAccountIds: [OUTSIDE, IDS.legacy] } }));
    const byId = Object.fromEntries(recorderTargets(plan, accounts).map((t) => [t.accountId, t]));
    expect(byId[IDS.management]).toMatchObject({ getsRecorder: false, evaluated: true });
    expect(byId[IDS.payments]).toMatchObject({ getsRecorder: false, evaluated: true });
    // Excluded and getting nothing from the stacks: nothing to read.
    expect(byId[OUTSIDE]).toBeUndefined();
    expect(byId[IDS.legacy]).toBeUndefined();
  });

  test("an excluded account that still gets a recorder is read (a second recorder would still break the StackSet)", () => {
    const plan = planOf(configWith({ awsConfig: { excludedAccountIds: [IDS.payments] } }));
    expect(recorderTargets(plan, accounts).find((t) => t.accountId === IDS.payments)).toEqual({ accountId: IDS.payments, role: "target", getsRecorder: true, evaluated: false });
  });

  test("the management account is read even if a listing missed it", () => {
    expect(recorderTargets(planOf(), { active: [IDS.payments], inTargetOus: [IDS.payments] }).map((t) => t.accountId)).toEqual([IDS.management, IDS.payments]);
  });
});

const rec = (name = "default", recording: boolean | null = true): RecorderFacts => ({ name, recording });
function account(target: RecorderTarget, perRegion: Outcome<RecorderFacts[]> | Record<string, Outcome<RecorderFacts[]>>): AccountRecorders {
  const regions = "ok" in perRegion ? Object.fromEntries(REGIONS.map((r) => [r, perRegion as Outcome<RecorderFacts[]>])) : perRegion;
  return { target, regions: regions as Record<string, Outcome<RecorderFacts[]>> };
}
const T = {
  management: { accountId: IDS.management, role: "management", getsRecorder: true, evaluated: true },
  managementExisting: { accountId: IDS.management, role: "management", getsRecorder: false, evaluated: true },
  target: { accountId: IDS.payments, role: "target", getsRecorder: true, evaluated: true },
  targetExisting: { accountId: IDS.payments, role: "target", getsRecorder: false, evaluated: true },
  other: { accountId: OUTSIDE, role: "other", getsRecorder: false, evaluated: true },
} satisfies Record<string, RecorderTarget>;

describe("config-recorders", () => {
  const plan = planOf();
  test.each<[string, AccountRecorders, CheckStatus, RegExp, RegExp]>([
    ["the StackSet creates one where there is none", account(T.target, success([])), "ok", /1 get a recorder from these stacks/, /^$/],
    ["an account outside the target OUs records itself", account(T.other, success([rec()])), "ok", /already record/, /^$/],
    ["a second recorder where the StackSet creates one", account(T.target, success([rec("aws-controltower-BaselineConfigRecorder")])), "conflict", /1 target-OU account\(s\) already record where the stacks would create a second recorder .*: 333333333333 \(every governed Region\)/, /"awsConfig": \{"recordersExist": true\}/],
    ["a second recorder in the management account", account(T.management, success([rec()])), "conflict", /the management account already record/, /"awsConfig": \{"managementRecorderExists": true\}/],
    ["no recorder outside the target OUs", account(T.other, success([])), "missing", /account\(s\) outside the target OUs are evaluated by the organization rules but have no recorder/, /"excludedAccountIds": \["666666666666"\]/],
    ["management says it records, but does not", account(T.managementExisting, success([])), "missing", /the management account are evaluated/, /"managementRecorderExists": false/],
    ["recordersExist, but a target account does not record", account(T.targetExisting, success([])), "missing", /target-OU account\(s\) are evaluated/, /recordersExist is true, so the StackSet creates none/],
    ["a stopped recorder", account(T.other, success([rec("default", false)])), "missing", /have a recorder that is stopped/, /start-configuration-recorder/],
    ["a recorder whose status was not listed counts as recording", account(T.other, success([rec("default", null)])), "ok", /already record/, /^$/],
    ["one Region only", account(T.other, { "us-east-1": success([rec()]), "eu-west-1": success([]) }), "missing", /666666666666 \(eu-west-1\)/, /excludedAccountIds/],
    ["role cannot be assumed", account(T.other, failure("access-denied", "sts:AssumeRole: access denied")), "unknown", /could not be read: 666666666666 \(every governed Region\)/, /role OrganizationAccountAccessRole exists in each account listed/],
    ["throttled beyond retries", account(T.target, failure("throttled", "throttled")), "unknown", /could not be read/, /lower --concurrency/],
  ])("%s", (_name, result, status, detail, fix) => {
    const c = checkConfigRecorders(plan, success(accounts), [result], "OrganizationAccountAccessRole");
    expect(c.status).toBe(status);
    expect(c.detail).toMatch(detail);
    expect(c.fix).toMatch(fix);
    if (status === "ok") expect(c.findings).toBeUndefined();
    else expect(c.findings?.length && c.findings.every((f) => f.accountId === result.target.accountId && f.status === status)).toBe(true);
  });

  test("conflict outranks missing outranks unknown; every finding is listed for JSON", () => {
    const results = [account(T.other, failure("timeout", "timed out")), account({ ...T.other, accountId: "777777777777" }, success([])), account(T.target, success([rec()]))];
    const c = checkConfigRecorders(plan, success(accounts), results, "OrganizationAccountAccessRole");
    expect(c.status).toBe("conflict");
    expect(c.detail.indexOf("would create a second recorder")).toBeLessThan(c.detail.indexOf("have no recorder"));
    expect(c.findings).toHaveLength(6);
    expect(c.findings?.map((f) => f.status).sort()).toEqual(["conflict", "conflict", "missing", "missing", "unknown", "unknown"]);
    expect(checkConfigRecorders(plan, success(accounts), results.slice(0, 2), "R").status).toBe("missing");
  });

  test("thousands of accounts: the detail names 20 and counts the rest; the fix lists every account to exclude", () => {
    const many = Array.from({ length: 1500 }, (_, i) => account({ ...T.other, accountId: String(100000000000 + i) }, success([])));
    const c = checkConfigRecorders(plan, success(accounts), many, "R");
    expect(c.detail).toMatch(/1500 account\(s\) outside the target OUs .* and 1480 more/);
    expect(c.detail.length).toBeLessThan(1200);
    expect(c.findings).toHaveLength(3000);
    expect(c.fix).toContain("100000001499");
  });

  test("the account listing failed → unknown", () => {
    const c = checkConfigRecorders(plan, failure("access-denied", "organizations:ListAccounts: access denied"), [], "R");
    expect(c).toMatchObject({ status: "unknown" });
    expect(c.fix).toMatch(/organizations:ListAccounts/);
  });
});

describe("config-service-linked-role", () => {
  const SLR_PATH = "/aws-service-role/config.amazonaws.com/";
  const present = success({ arn: `arn:aws:iam::x:role${SLR_PATH}AWSServiceRoleForConfig`, path: SLR_PATH });
  const absent = success(null);
  const withRole = (target: RecorderTarget, serviceLinkedRole: AccountRecorders["serviceLinkedRole"]): AccountRecorders => ({ ...account(target, success([])), ...(serviceLinkedRole !== undefined ? { serviceLinkedRole } : {}) });
  const TARGET2: RecorderTarget = { ...T.target, accountId: IDS.legacy };
  const byDefault = planOf();
  const useExisting = planOf(configWith({ awsConfig: { createServiceLinkedRole: false } }));
  const CREATE = "aws iam create-service-linked-role --aws-service-name config.amazonaws.com";

  test.each<[string, ReturnType<typeof planOf>, AccountRecorders[], CheckStatus, RegExp, RegExp]>([
    ["the stacks create it and no account has it", byDefault, [withRole(T.management, absent), withRole(T.target, absent)], "ok", /2 account\(s\) get a recorder .*none has it yet, and the stacks create it/, /^$/],
    ["createServiceLinkedRole false and every account has it", useExisting, [withRole(T.management, present), withRole(T.target, present)], "ok", /every one has it, and the stacks use it/, /^$/],
    ["accounts that only get read for their recorders are not asked", byDefault, [withRole(T.other, undefined), withRole(T.targetExisting, undefined), withRole(T.target, absent)], "ok", /^1 account\(s\) get a recorder/, /^$/],
    [
      "the stacks would create it where it exists (some accounts): conflict, keep the existing role and create the rest",
      byDefault,
      [withRole(T.management, absent), withRole(T.target, present), withRole(TARGET2, absent)],
      "conflict",
      /1 of 3 account\(s\) that get a recorder from these stacks already have AWSServiceRoleForConfig, so creating it again fails their stack instance .*: 333333333333$/,
      new RegExp(`^set "awsConfig": \\{"createServiceLinkedRole": false\\} in guardrails\\.config\\.json .*, and create it where it is absent: ${CREATE} {3}# with credentials in each of these accounts: 111111111111, 444444444444$`),
    ],
    ["the stacks would create it where every account has it", byDefault, [withRole(T.management, present), withRole(T.target, present)], "conflict", /2 of 2 account\(s\) .* already have/, /^set "awsConfig": \{"createServiceLinkedRole": false\} in guardrails\.config\.json \(the recorders then use the existing role\)$/],
    ["createServiceLinkedRole false and some accounts lack it", useExisting, [withRole(T.management, present), withRole(T.target, absent)], "missing", /1 of 2 account\(s\) .* have no AWSServiceRoleForConfig, which their recorder needs .*: 333333333333/, new RegExp(`^create it there: ${CREATE} {3}# with credentials in each of these accounts: 333333333333$`)],
    ["createServiceLinkedRole false and no account has it: or let the stacks create it", useExisting, [withRole(T.management, absent), withRole(T.target, absent)], "missing", /2 of 2/, /111111111111, 333333333333; or, as none of them has it, set "awsConfig": \{"createServiceLinkedRole": true\}/],
    ["a role of that name that is not Config's service-linked role", byDefault, [withRole(T.target, success({ arn: "arn:aws:iam::x:role/AWSServiceRoleForConfig", path: "/" }))], "conflict", /not Config's service-linked role/, /aws iam delete-role --role-name AWSServiceRoleForConfig/],
    ["the account could not be read", byDefault, [withRole(T.target, failure("access-denied", "sts:AssumeRole: access denied"))], "unknown", /1 account\(s\) could not be read: 333333333333 \(sts:AssumeRole: access denied\)/, /role OrganizationAccountAccessRole exists .*iam:GetRole/],
    ["throttled beyond retries", byDefault, [withRole(T.target, failure("throttled", "throttled"))], "unknown", /could not be read/, /lower --concurrency/],
    ["a read that never happened counts as unread, never as absent", useExisting, [withRole(T.target, undefined)], "unknown", /could not be read/, /rerun/],
    ["conflict outranks unknown", byDefault, [withRole(T.target, present), withRole(TARGET2, failure("timeout", "timed out"))], "conflict", /already have .*; 1 account\(s\) could not be read/, /createServiceLinkedRole": false[^]*--call-timeout/],
  ])("%s", (_name, plan, results, status, detail, fix) => {
    const c = checkConfigServiceLinkedRole(plan, success(accounts), results, "OrganizationAccountAccessRole");
    expect(c.id).toBe("config-service-linked-role");
    expect(c.status).toBe(status);
    expect(c.detail).toMatch(detail);
    expect(c.fix).toMatch(fix);
    if (status === "ok") expect(c.findings).toBeUndefined();
    else expect(c.findings?.some((f) => f.status === status)).toBe(true);
  });

  test("no account gets a recorder from these stacks: nothing to create or need, whatever the switch", () => {
    for (const createServiceLinkedRole of [true, false]) {
      const plan = planOf(configWith({ awsConfig: { recordersExist: true, managementRecorderExists: true, createServiceLinkedRole } }));
      const c = checkConfigServiceLinkedRole(plan, success(accounts), [withRole(T.managementExisting, undefined), withRole(T.targetExisting, undefined)], "R");
      expect(c).toMatchObject({ status: "ok", fix: "" });
      expect(c.detail).toMatch(/no account gets a recorder from these stacks/);
    }
  });

  test("findings name every account, without a Region (IAM is global)", () => {
    const c = checkConfigServiceLinkedRole(useExisting, success(accounts), [withRole(T.management, absent), withRole(T.target, present), withRole(TARGET2, absent)], "R");
    expect(c.findings).toEqual([
      { accountId: IDS.management, status: "missing", reason: expect.stringContaining("does not exist") },
      { accountId: IDS.legacy, status: "missing", reason: expect.stringContaining("does not exist") },
    ]);
  });

  test("the account listing failed → unknown", () => {
    const c = checkConfigServiceLinkedRole(byDefault, failure("throttled", "organizations:ListAccounts: throttled"), [], "R");
    expect(c).toMatchObject({ status: "unknown" });
    expect(c.detail).toMatch(/could not list the organization's accounts/);
  });
});
