/**
 * Only an ACTIVE account can PASS, wire level (real SDK against the local endpoint): every account
 * State, answers with both fields, only the deprecated `Status` (before 2025) or only `State` (after
 * `Status` is retired). The status is a recorded source and, unless ACTIVE, the first reason.
 */
import { checkAccount } from "../../gates/check";
import { cleanAccount, EXAMPLE_IDS, type AccountStatus, type AccountStatusFields, type LocalAws } from "../endpoint";
import { fastOptions, startEndpoint } from "./harness";

interface StatusCase {
  state: AccountStatus;
  fields: AccountStatusFields;
  verdict: "PASS" | "INCONCLUSIVE";
  reason?: RegExp;
  source: RegExp;
}

const CASES: StatusCase[] = [
  { state: "ACTIVE", fields: "both", verdict: "PASS", source: /^State ACTIVE$/ },
  { state: "ACTIVE", fields: "Status", verdict: "PASS", source: /^Status ACTIVE \(no State field\)$/ },
  { state: "ACTIVE", fields: "State", verdict: "PASS", source: /^State ACTIVE$/ },
  { state: "SUSPENDED", fields: "both", verdict: "INCONCLUSIVE", reason: /is SUSPENDED in AWS Organizations: only an ACTIVE account can be production-ready/, source: /^State SUSPENDED$/ },
  { state: "SUSPENDED", fields: "Status", verdict: "INCONCLUSIVE", reason: /is SUSPENDED/, source: /^Status SUSPENDED \(no State field\)$/ },
  { state: "PENDING_CLOSURE", fields: "State", verdict: "INCONCLUSIVE", reason: /is PENDING_CLOSURE .* can never be promoted/, source: /^State PENDING_CLOSURE$/ },
  // A closed account reads SUSPENDED in the deprecated field: State is the finer one and wins.
  { state: "CLOSED", fields: "both", verdict: "INCONCLUSIVE", reason: /is CLOSED/, source: /^State CLOSED \(deprecated Status SUSPENDED\)$/ },
  { state: "PENDING_ACTIVATION", fields: "both", verdict: "INCONCLUSIVE", reason: /is PENDING_ACTIVATION .*sign-up is not complete/, source: /^State PENDING_ACTIVATION$/ },
];

let aws: LocalAws;
beforeAll(async () => {
  aws = await startEndpoint();
});
afterAll(() => aws.close());
afterEach(() => aws.reset());

describe.each(CASES)("account $state, fields $fields", (c) => {
  it(`is ${c.verdict}`, async () => {
    const id = "900000000400";
    const account = cleanAccount(aws.world, id);
    account.status = c.state;
    account.statusFields = c.fields;
    const v = await checkAccount(fastOptions(aws, id));
    expect(v.verdict).toBe(c.verdict);
    const iam4 = v.controls.find((x) => x.id === "IAM.4");
    const source = iam4?.sources.find((s) => s.name === "account-status");
    expect(source).toMatchObject({ api: "organizations:DescribeAccount" });
    expect(source?.summary).toMatch(c.source);
    if (c.reason !== undefined) expect(iam4?.reasons[0]).toMatch(c.reason);
    else expect(iam4?.reasons.join(" ")).not.toMatch(/AWS Organizations/);
    // The gate's own (management) credentials read it, once.
    expect(aws.requests.filter((q) => q.action === "DescribeAccount").map((q) => q.accountId)).toEqual([EXAMPLE_IDS.management]);
  });
});
