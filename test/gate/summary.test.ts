import { appliedException } from "../../gates/evidence/bundle";
import { summarizeAccount, summarizeSweep } from "../../gates/summary";
import type { ControlResult } from "../../gates/types";

const control = (id: "IAM.4" | "IAM.3", verdict: ControlResult["verdict"], required: boolean): ControlResult => ({ id, verdict, required, reasons: ["r"], sources: [] });

describe("summarizeAccount", () => {
  it.each([
    [[control("IAM.4", "PASS", true)], "PASS", true],
    [[control("IAM.4", "PASS", true), control("IAM.3", "FAIL", false)], "PASS", true],
    [[control("IAM.4", "PASS", true), control("IAM.3", "FAIL", true)], "FAIL", false],
    [[control("IAM.4", "INCONCLUSIVE", true), control("IAM.3", "PASS", true)], "INCONCLUSIVE", false],
    [[control("IAM.4", "INCONCLUSIVE", true), control("IAM.3", "FAIL", true)], "FAIL", false],
    [[control("IAM.3", "PASS", false)], "INCONCLUSIVE", false],
    [[], "INCONCLUSIVE", false],
  ] as [ControlResult[], string, boolean][])("%j -> %s", (controls, verdict, ready) => {
    const v = summarizeAccount({ accountId: "111122223333", checkedAt: "2026-11-22T10:00:00Z", controls });
    expect(v.verdict).toBe(verdict);
    expect(v.productionReady).toBe(ready);
    expect(v.marked).toBeNull();
    expect(v.controls).toHaveLength(controls.length);
  });
  it("sweep exit order: any FAIL beats INCONCLUSIVE", () => {
    const a = (verdict: ControlResult["verdict"]) => summarizeAccount({ accountId: "111122223333", checkedAt: "t", controls: [control("IAM.4", verdict, true)] });
    expect(summarizeSweep([a("PASS"), a("INCONCLUSIVE"), a("FAIL")]).summary).toEqual({ accounts: 3, pass: 1, fail: 1, inconclusive: 1, skipped: 0, verdict: "FAIL", errors: [] });
    expect(summarizeSweep([a("PASS"), a("INCONCLUSIVE")]).summary.verdict).toBe("INCONCLUSIVE");
    expect(summarizeSweep([a("PASS")]).summary.verdict).toBe("PASS");
  });
});

describe("appliedException", () => {
  it("keeps who approved what until when; no key id means every key of the user", () => {
    const x = { account: "111122223333", user: "ci", reason: "r", approver: "a", ticket: "T-1", approvedAt: "2026-11-01T00:00:00Z", expires: "2026-12-01T00:00:00Z" };
    expect(appliedException("IAM.3", x)).toEqual({ control: "IAM.3", ...x, accessKeyId: null });
  });
});
