/** The exit-code rule and the three renderings of a preflight report. */
import { markdownCell, preflightJson, preflightMarkdown, preflightText } from "../../gates/preflight/render";
import { preflightExitCode, type CheckStatus, type PreflightReport } from "../../gates/preflight/types";

describe("preflightExitCode", () => {
  test.each<[CheckStatus[], number]>([
    [["ok", "ok"], 0],
    [["ok", "unknown"], 3],
    [["missing", "unknown"], 1],
    [["unknown", "conflict"], 1],
    [["missing", "conflict", "ok"], 1],
    [[], 3],
  ])("%j → %i", (statuses, code) => expect(preflightExitCode(statuses.map((status) => ({ status })))).toBe(code));
});

const report: PreflightReport = {
  schemaVersion: 1,
  ready: false,
  checks: [
    { id: "org-all-features", status: "ok", detail: "organization o-exampleorg1 has all features", fix: "" },
    { id: "trusted-access", status: "missing", detail: "trusted access is not enabled for <securityhub> | config", fix: "aws organizations enable-aws-service-access --service-principal securityhub.amazonaws.com\naws cloudformation activate-organizations-access" },
    { id: "cloudtrail", status: "unknown", detail: "could not list the trails", fix: "echo ```fenced```" },
  ],
};

test("text: the verdict and counts first, one line per check, every fix line under its check", () => {
  const text = preflightText(report);
  const lines = text.split("\n");
  expect(lines[0]).toBe("guardrails preflight: NOT READY (exit 1): 1 ok, 1 missing, 0 conflict, 1 unknown");
  expect(text).toMatch(/^missing  trusted-access    trusted access is not enabled/m);
  const fixLine = lines.findIndex((l) => l.includes("fix: aws organizations enable-aws-service-access"));
  // Fixes start in the detail column; continuation lines line up with the first fix line.
  const detailColumn = (lines[2] ?? "").indexOf("organization o-exampleorg1");
  expect(lines[fixLine]?.indexOf("fix: ")).toBe(detailColumn);
  expect(lines[fixLine + 1]).toBe(`${" ".repeat(detailColumn + 5)}aws cloudformation activate-organizations-access`);
  expect(text).not.toMatch(/org-all-features.*\n\s+fix:/);
});

test("json: exactly the contract's fields", () => {
  const parsed = JSON.parse(preflightJson(report)) as Record<string, unknown>;
  expect(Object.keys(parsed)).toEqual(["schemaVersion", "ready", "checks"]);
  expect(parsed["checks"]).toEqual(report.checks);
});

test("markdown: a table whose cells keep <…> and | visible, and each fix in a fence longer than any backticks in it", () => {
  const md = preflightMarkdown(report);
  expect(md).toContain("| trusted-access | ❌ missing | trusted access is not enabled for &lt;securityhub&gt; \\| config |");
  expect(md).toContain("**trusted-access** (missing)\n\n```sh\naws organizations enable-aws-service-access");
  expect(md).toContain("````sh\necho ```fenced```\n````");
  expect(md).not.toContain("**org-all-features**");
  expect(markdownCell("a_b*c")).toBe("a\\_b\\*c");
});
