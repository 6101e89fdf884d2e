import { decideIam4 } from "../../gates/decide/iam4";
import { renderAccount, renderSweep } from "../../gates/render";
import { summarizeSweep } from "../../gates/summary";
import type { AccountVerdict, ControlResult } from "../../gates/types";
import { ACCOUNT, NOW, failed, passingEvidence } from "./helpers";
import { xmlProblems } from "./xml-wellformed";

const KEY_ID = "AKIAIOSFODNN7EXAMPLE";

function account(over: Partial<AccountVerdict> = {}, controls?: ControlResult[]): AccountVerdict {
  const iam4 = { ...decideIam4(passingEvidence()), required: true };
  return {
    schemaVersion: 1,
    accountId: ACCOUNT,
    checkedAt: NOW,
    verdict: "PASS",
    productionReady: true,
    controls: controls ?? [iam4],
    marked: null,
    evidence: null,
    ...over,
  };
}

const failing = account({ verdict: "FAIL", productionReady: false }, [
  { ...decideIam4(passingEvidence({ accountSummary: { ok: true, value: { accountAccessKeysPresent: 2 }, accountId: ACCOUNT, region: "us-west-2", api: "iam:GetAccountSummary", observedAt: NOW } })), required: true },
  {
    id: "IAM.3",
    verdict: "INCONCLUSIVE",
    required: true,
    reasons: [`User "a<b>&c" key ${KEY_ID} could not be read; rerun.`],
    sources: [],
  },
]);
const inconclusive = account({ accountId: "444455556666", verdict: "INCONCLUSIVE", productionReady: false }, [
  { ...decideIam4(passingEvidence({ findings: failed("not-enabled", "not subscribed") })), required: true },
]);

describe("renderAccount json", () => {
  it("is exactly the DESIGN section 4 object, keys in documented order", () => {
    const v = account({ marked: { changed: true, value: "true", tag: "guardrails:production-ready" }, evidence: { sha256: "ab", path: "e.json" } });
    const parsed = JSON.parse(renderAccount(v, "json")) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(["schemaVersion", "accountId", "checkedAt", "verdict", "productionReady", "controls", "marked", "evidence"]);
    expect(parsed).toEqual({
      schemaVersion: 1,
      accountId: ACCOUNT,
      checkedAt: NOW,
      verdict: "PASS",
      productionReady: true,
      controls: [
        {
          id: "IAM.4",
          verdict: "PASS",
          required: true,
          reasons: v.controls[0]?.reasons,
          sources: v.controls[0]?.sources.map((s) => ({ name: s.name, observedAt: s.observedAt, summary: s.summary, accountId: s.accountId, region: s.region, api: s.api })),
        },
      ],
      marked: { tag: "guardrails:production-ready", value: "true", changed: true },
      evidence: { path: "e.json", sha256: "ab" },
    });
    const control = (parsed["controls"] as Record<string, unknown>[])[0] ?? {};
    expect(Object.keys(control)).toEqual(["id", "verdict", "required", "reasons", "sources"]);
    expect(Object.keys((control["sources"] as Record<string, unknown>[])[0] ?? {})).toEqual(["name", "observedAt", "summary", "accountId", "region", "api"]);
  });
  it("keeps marked and evidence null for check", () => {
    const parsed = JSON.parse(renderAccount(account(), "json")) as Record<string, unknown>;
    expect(parsed["marked"]).toBeNull();
    expect(parsed["evidence"]).toBeNull();
  });
  it("sweep: {schemaVersion, accounts, summary} with the worst verdict", () => {
    const parsed = JSON.parse(renderSweep(summarizeSweep([account(), failing, inconclusive]), "json")) as Record<string, unknown>;
    // DESIGN 4's fields first; `remediation` (issue 14: the remediate command per account failing IAM.4) is added after them.
    expect(Object.keys(parsed)).toEqual(["schemaVersion", "accounts", "skipped", "summary", "remediation"]);
    expect(parsed["summary"]).toEqual({ accounts: 3, pass: 1, fail: 1, inconclusive: 1, skipped: 0, verdict: "FAIL", errors: [] });
    expect((parsed["accounts"] as { accountId: string }[]).map((a) => a.accountId)).toEqual([ACCOUNT, ACCOUNT, "444455556666"]);
  });
  it("an empty sweep is INCONCLUSIVE", () => {
    expect(summarizeSweep([]).summary.verdict).toBe("INCONCLUSIVE");
  });
});

describe("renderAccount text", () => {
  it("starts with the verdict line, then each control with its reasons", () => {
    const text = renderAccount(failing, "text");
    const lines = text.split("\n");
    expect(lines[0]).toBe(`FAIL ${ACCOUNT}: NOT production-ready: evidence of a violation (checked ${NOW})`);
    expect(text).toContain("  IAM.4: FAIL");
    expect(text).toContain("GetAccountSummary reports 2 root access key(s)");
    expect(text).toContain("  IAM.3: INCONCLUSIVE");
    expect(text).toContain("account-summary (111122223333 us-west-2 iam:GetAccountSummary)");
  });
  it("sweep text starts with the sweep verdict", () => {
    expect(renderSweep(summarizeSweep([account(), inconclusive]), "text").split("\n")[0]).toBe(
      "INCONCLUSIVE sweep of 2 account(s): 1 PASS, 0 FAIL, 1 INCONCLUSIVE; 0 skipped (not ACTIVE)",
    );
  });
});

describe("renderAccount markdown", () => {
  it("has a verdict heading and a control table with escaped cells", () => {
    const md = renderAccount(account({}, [{ id: "IAM.4", verdict: "FAIL", required: true, reasons: ["a | b", "second"], sources: [] }]), "markdown");
    expect(md.split("\n")[0]).toContain("PASS: account 111122223333");
    expect(md).toContain("| IAM.4 | yes | ❌ FAIL | a \\| b<br>second |");
  });
  it("sweep markdown details only accounts that are not PASS", () => {
    const md = renderSweep(summarizeSweep([account(), inconclusive]), "markdown");
    expect(md).toContain("## ⚠️ Guardrails sweep: INCONCLUSIVE");
    expect(md).toContain("### ⚠️ INCONCLUSIVE: account 444455556666");
    expect(md).not.toContain(`### ✅ PASS: account ${ACCOUNT}`);
  });
});

describe("renderAccount junit", () => {
  it("is well-formed, FAIL -> <failure>, INCONCLUSIVE -> <error>, text escaped", () => {
    const xml = renderSweep(summarizeSweep([account(), failing, inconclusive]), "junit");
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain('<testsuites name="guardrails" tests="4" failures="1" errors="2" skipped="0">');
    expect(xml).toMatch(/<testcase classname="guardrails.111122223333" name="111122223333 IAM.4">\n\s+<failure type="FAIL"/);
    expect(xml).toMatch(/name="444455556666 IAM.4">\n\s+<error type="INCONCLUSIVE" message="Security Hub is not enabled/);
    expect(xml).toContain("a&lt;b&gt;&amp;c");
    expect(xml).not.toContain("a<b>");
  });
  it("the checker itself rejects broken XML", () => {
    expect(xmlProblems("<a><b></a>")).not.toEqual([]);
    expect(xmlProblems("<a>x & y</a>")).not.toEqual([]);
    expect(xmlProblems('<a x="1"/>')).toEqual([]);
  });
  it("a control that is not required is skipped, an account without controls is never green", () => {
    const v = account({ verdict: "PASS" }, [{ id: "IAM.3", verdict: "FAIL", required: false, reasons: ["old key"], sources: [] }]);
    expect(renderAccount(v, "junit")).toContain('<skipped message="not required: FAIL"/>');
    const none = renderAccount(account({ verdict: "INCONCLUSIVE", productionReady: false }, []), "junit");
    expect(none).toContain('<error type="INCONCLUSIVE"');
    expect(xmlProblems(none)).toEqual([]);
  });
});

describe("every format masks access key ids", () => {
  it.each(["text", "json", "markdown", "junit"] as const)("%s", (format) => {
    const out = renderAccount(failing, format) + renderSweep(summarizeSweep([failing]), format);
    expect(out).not.toContain(KEY_ID);
    expect(out).toContain("****************MPLE");
    expect(out).not.toMatch(/AKIA[A-Z0-9]{12,}/);
  });
});
