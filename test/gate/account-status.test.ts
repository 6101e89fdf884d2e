/** decideAccountStatus / applyAccountStatus: the pure rule "only an ACTIVE account can PASS". */
import { applyAccountStatus, decideAccountStatus } from "../../gates/decide/account-status";
import type { AccountStatusEvidence, ControlResult, Read } from "../../gates/types";
import { failed, ok } from "./helpers";

const ID = "111122223333";
const status = (state: string | null, deprecated: string | null): Read<AccountStatusEvidence> => ok({ state, status: deprecated }, { api: "organizations:DescribeAccount" });

describe("decideAccountStatus", () => {
  it.each([
    // state, deprecated Status, verdict, final (waiting cannot help), reason
    ["ACTIVE", "ACTIVE", "PASS", false, null],
    [null, "ACTIVE", "PASS", false, null],
    ["ACTIVE", null, "PASS", false, null],
    ["SUSPENDED", "ACTIVE", "INCONCLUSIVE", true, /is SUSPENDED/], // State wins over the deprecated field
    [null, "SUSPENDED", "INCONCLUSIVE", true, /is SUSPENDED/],
    ["PENDING_CLOSURE", "PENDING_CLOSURE", "INCONCLUSIVE", true, /can never be promoted/],
    ["CLOSED", "SUSPENDED", "INCONCLUSIVE", true, /is CLOSED/],
    ["PENDING_ACTIVATION", null, "INCONCLUSIVE", false, /sign-up is not complete/],
    ["SOMETHING_NEW", null, "INCONCLUSIVE", false, /is SOMETHING_NEW/],
    [null, null, "INCONCLUSIVE", false, /neither State nor Status/],
  ] as const)("State %p, Status %p: %s", (state, deprecated, verdict, final, reason) => {
    const d = decideAccountStatus(ID, status(state, deprecated));
    expect({ verdict: d.verdict, final: d.final }).toEqual({ verdict, final });
    if (reason === null) expect(d.reason).toBeNull();
    else expect(d.reason).toMatch(reason);
    expect(d.source).toMatchObject({ name: "account-status", api: "organizations:DescribeAccount" });
  });

  it.each([
    ["access-denied", /denied to the gate's own credentials \(AccessDenied\).*grant them organizations:DescribeAccount/, false],
    ["not-found", /not an account of this organization/, true],
    ["throttled", /rerun/, false],
  ] as const)("an unreadable status (%s) is INCONCLUSIVE and says what helps", (kind, hint, final) => {
    const d = decideAccountStatus(ID, failed(kind, "simulated"));
    expect(d.verdict).toBe("INCONCLUSIVE");
    expect(d.final).toBe(final);
    expect(d.reason).toMatch(hint);
    expect(d.source.summary).toBe(`unavailable: ${kind}`);
  });
});

describe("applyAccountStatus", () => {
  const control = (id: "IAM.4" | "IAM.3", verdict: ControlResult["verdict"], required: boolean): ControlResult => ({ id, verdict, required, reasons: [`${id} own reason`], sources: [] });

  it("ACTIVE: verdicts unchanged, the source recorded on the required controls", () => {
    const [iam4, iam3] = applyAccountStatus([control("IAM.4", "PASS", true), control("IAM.3", "FAIL", false)], decideAccountStatus(ID, status("ACTIVE", "ACTIVE")));
    expect(iam4).toMatchObject({ verdict: "PASS", reasons: ["IAM.4 own reason"] });
    expect(iam4?.sources.map((s) => s.name)).toEqual(["account-status"]);
    expect(iam3).toEqual(control("IAM.3", "FAIL", false));
  });

  it("not ACTIVE: a required PASS becomes INCONCLUSIVE with the status first; a FAIL stays FAIL; others untouched", () => {
    const d = decideAccountStatus(ID, status("SUSPENDED", "SUSPENDED"));
    const [iam4, iam3] = applyAccountStatus([control("IAM.4", "PASS", true), control("IAM.3", "FAIL", true)], d);
    expect(iam4?.verdict).toBe("INCONCLUSIVE");
    expect(iam4?.reasons).toEqual([d.reason, "IAM.4 own reason"]);
    expect(iam3?.verdict).toBe("FAIL");
    const [notRequired] = applyAccountStatus([control("IAM.3", "PASS", false)], d);
    expect(notRequired).toEqual(control("IAM.3", "PASS", false));
  });
});
