/** config-recorders as pure functions: which accounts are read, and what each (account, Region) means. */
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
