/** Markdown escaping, the marking sentence, sweep skipped accounts / errors and remediate commands in every format (pure). */
import { renderSweep } from "../../gates/render";
import { mdCell, mdCode, mdText } from "../../gates/render/markdown-escape";
import { markingSentence } from "../../gates/render/marking";
import { remediationHints } from "../../gates/remediate/sweep-hints";
import { summarizeSweep } from "../../gates/summary";
import type { AccountVerdict, SkippedAccountResult, SweepError } from "../../gates/types";
import { xmlProblems } from "./xml-wellformed";

const TAG = "guardrails:production-ready";

describe("Markdown escaping", () => {
  it.each([
    ["the <root_account> row is missing", "the &lt;root\\_account&gt; row is missing"],
    ["rule IAM_ROOT_ACCESS_KEY_CHECK", "rule IAM\\_ROOT\\_ACCESS\\_KEY\\_CHECK"],
    ["user *admin* [x](http://e) a|b ~~c~~ `d` e\\f", "user \\*admin\\* \\[x\\](http://e) a\\|b \\~\\~c\\~\\~ \\`d\\` e\\\\f"],
    ["AT&T <script>", "AT&amp;T &lt;script&gt;"],
  ])("%p", (raw, escaped) => expect(mdText(raw)).toBe(escaped));

  it("cells keep rows intact and show null as a dash", () => {
    expect(mdCell("a\nb|c")).toBe("a<br>b\\|c");
    expect(mdCell(null)).toBe("—");
  });

  it("code spans use a fence longer than any backtick run in the text", () => {
    expect(mdCode("plain")).toBe("`plain`");
    expect(mdCode("a`b")).toBe("``a`b``");
    expect(mdCode("`x`")).toBe("`` `x` ``");
  });
});

describe("markingSentence", () => {
  it.each([
    [{ tag: TAG, value: "true", changed: true }, `tagged ${TAG}=true`],
    [{ tag: TAG, value: "", changed: true }, `ready tag ${TAG} removed`],
    [{ tag: TAG, value: "", changed: false }, `not tagged; ready tag ${TAG} absent`],
    [{ tag: TAG, value: "true", changed: false }, `ready tag ${TAG}=true still present: it could not be removed (see the reasons)`],
    [{ tag: TAG, value: "unknown", changed: false }, `ready tag ${TAG} may still be present: it could not be checked or removed (see the reasons)`],
  ])("%p", (marked, sentence) => expect(markingSentence(marked)).toBe(sentence));
});

describe("sweep: skipped accounts and errors in every format", () => {
  const pass: AccountVerdict = {
    schemaVersion: 1,
    accountId: "111122223333",
    checkedAt: "2026-11-22T10:00:00Z",
    verdict: "PASS",
    productionReady: true,
    controls: [{ id: "IAM.4", verdict: "PASS", required: true, reasons: ["ok"], sources: [] }],
    marked: null,
    evidence: null,
  };
  const skipped: SkippedAccountResult[] = [
    { accountId: "444455556666", status: "SUSPENDED", marked: { tag: TAG, value: "", changed: true }, reasons: [] },
    { accountId: "777788889999", status: "PENDING_CLOSURE", marked: { tag: TAG, value: "true", changed: false }, reasons: ["--revoke could not remove the tag: <denied>"] },
  ];
  const errors: SweepError[] = [{ kind: "revoke", accountId: "777788889999", reason: "--revoke could not remove the tag: <denied>" }];
  const result = summarizeSweep([pass], skipped, errors);

  it("an error makes the sweep INCONCLUSIVE even when every checked account passes", () => {
    expect(result.summary).toMatchObject({ accounts: 1, pass: 1, skipped: 2, verdict: "INCONCLUSIVE" });
  });
  it("json", () => {
    const out = JSON.parse(renderSweep(result, "json")) as { skipped: unknown[]; summary: { errors: unknown[] } };
    expect(out.skipped).toEqual(skipped);
    expect(out.summary.errors).toEqual(errors);
  });
  it("text", () => {
    const text = renderSweep(result, "text");
    expect(text).toContain(`SKIPPED 444455556666: SUSPENDED, not checked (never production-ready); ready tag ${TAG} removed`);
    expect(text).toContain("ERROR revoke 777788889999: --revoke could not remove the tag: <denied>");
  });
  it("markdown (escaped)", () => {
    const md = renderSweep(result, "markdown");
    expect(md).toContain(`| 444455556666 | SUSPENDED | ready tag ${TAG} removed |  |`);
    expect(md).toContain("- revoke 777788889999: --revoke could not remove the tag: &lt;denied&gt;");
    expect(md).not.toContain("<denied>");
  });
  it("junit: <skipped/> per skipped account, <error> where --revoke failed, one error case per sweep error", () => {
    const xml = renderSweep(result, "junit");
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain('<testsuites name="guardrails" tests="4" failures="0" errors="2" skipped="1">');
    expect(xml).toMatch(/name="444455556666 account status">\s*<skipped message="not ACTIVE \(SUSPENDED\)/);
    expect(xml).toMatch(/name="777788889999 account status">\s*<error type="INCONCLUSIVE"/);
    expect(xml).toMatch(/classname="guardrails.organization" name="revoke 777788889999"/);
  });
  it("an empty sweep without errors says nothing was proven", () => {
    expect(renderSweep(summarizeSweep([]), "text")).toContain("no ACTIVE account in scope: nothing was proven");
    expect(renderSweep(summarizeSweep([]), "markdown")).toContain("No ACTIVE account in scope: nothing was proven.");
  });
});

describe("sweep: the remediate command for each account failing IAM.4", () => {
  const verdict = (accountId: string, iam4: "PASS" | "FAIL" | "INCONCLUSIVE", iam3: "PASS" | "FAIL" = "PASS"): AccountVerdict => ({
    schemaVersion: 1,
    accountId,
    checkedAt: "2026-11-22T10:00:00Z",
    verdict: iam4 === "PASS" ? "PASS" : iam4,
    productionReady: iam4 === "PASS",
    controls: [
      { id: "IAM.4", verdict: iam4, required: true, reasons: [], sources: [] },
      { id: "IAM.3", verdict: iam3, required: false, reasons: [], sources: [] },
    ],
    marked: null,
    evidence: null,
  });
  const accounts = [verdict("111122223333", "FAIL"), verdict("222233334444", "INCONCLUSIVE"), verdict("333344445555", "PASS", "FAIL")];
  // Only IAM.4 FAIL: an inconclusive IAM.4 or a failing IAM.3 is not a root key to delete.
  const hints = remediationHints(accounts, ["--config", "org config.json"]);

  it("lists exactly the IAM.4 failures, with the config quoted for a shell", () => {
    expect(hints).toEqual([{ accountId: "111122223333", command: "guardrails remediate 111122223333 --config 'org config.json'", reason: expect.stringContaining("dry run") }]);
  });

  it("JSON remediation[], a text line and a Markdown table", () => {
    const result = { ...summarizeSweep(accounts), remediation: hints };
    expect((JSON.parse(renderSweep(result, "json")) as { remediation: unknown }).remediation).toEqual(hints);
    expect((JSON.parse(renderSweep(summarizeSweep(accounts), "json")) as { remediation: unknown }).remediation).toEqual([]);
    expect(renderSweep(result, "text")).toContain("  REMEDIATE 111122223333 (IAM.4 FAIL): guardrails remediate 111122223333 --config 'org config.json'   (dry run; add --apply to delete the root access keys)");
    expect(renderSweep(result, "markdown")).toContain("| 111122223333 | `guardrails remediate 111122223333 --config 'org config.json'` |");
  });
});
