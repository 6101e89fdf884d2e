/**
 * JUnit XML for CI test reports: one testsuite per account, one testcase per control.
 * FAIL -> <failure> (a violation was proven), INCONCLUSIVE -> <error> (the check could not
 * complete: CI tools show "errored", distinct from "failed"). A control that is not required
 * and not PASS is <skipped>, because it does not block the account. An account without any
 * evaluated control gets one "account" testcase carrying its verdict, so it is never green.
 */
import type { AccountVerdict, Verdict } from "../types";

/** XML 1.0 forbids most control characters even when escaped: drop them. */
export function xmlEscape(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

interface Case {
  name: string;
  verdict: Verdict;
  required: boolean;
  reasons: string[];
  details: string;
}

function cases(v: AccountVerdict): Case[] {
  if (v.controls.length === 0) {
    return [{ name: "account", verdict: v.verdict, required: true, reasons: [`No control was evaluated for ${v.accountId}.`], details: "" }];
  }
  return v.controls.map((c) => ({
    name: c.id,
    verdict: c.verdict,
    required: c.required,
    reasons: c.reasons,
    details: c.sources.map((s) => `${s.name} (${[s.accountId, s.region, s.api].filter((x) => x !== undefined).join(" ")}) at ${s.observedAt ?? "unknown"}: ${s.summary}`).join("\n"),
  }));
}

function testcase(accountId: string, c: Case): string {
  const open = `    <testcase classname="${xmlEscape(`guardrails.${accountId}`)}" name="${xmlEscape(`${accountId} ${c.name}`)}">`;
  const message = xmlEscape(c.reasons[0] ?? c.verdict);
  const body = xmlEscape(c.reasons.join("\n"));
  let inner = "";
  if (c.verdict !== "PASS" && !c.required) inner = `      <skipped message="${xmlEscape(`not required: ${c.verdict}`)}"/>`;
  else if (c.verdict === "FAIL") inner = `      <failure type="FAIL" message="${message}">${body}</failure>`;
  else if (c.verdict === "INCONCLUSIVE") inner = `      <error type="INCONCLUSIVE" message="${message}">${body}</error>`;
  const out = c.details === "" && c.verdict !== "PASS" ? "" : `      <system-out>${xmlEscape([...(c.verdict === "PASS" ? c.reasons : []), c.details].filter((x) => x !== "").join("\n"))}</system-out>`;
  return [open, inner, out, "    </testcase>"].filter((l) => l !== "").join("\n");
}

function suite(v: AccountVerdict): { xml: string; tests: number; failures: number; errors: number; skipped: number } {
  const all = cases(v);
  const failures = all.filter((c) => c.required && c.verdict === "FAIL").length;
  const errors = all.filter((c) => c.required && c.verdict === "INCONCLUSIVE").length;
  const skipped = all.filter((c) => !c.required && c.verdict !== "PASS").length;
  const head = `  <testsuite name="${xmlEscape(`account ${v.accountId}`)}" tests="${all.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${xmlEscape(v.checkedAt)}">`;
  return { xml: [head, ...all.map((c) => testcase(v.accountId, c)), "  </testsuite>"].join("\n"), tests: all.length, failures, errors, skipped };
}

export function junitXml(accounts: readonly AccountVerdict[]): string {
  const suites = accounts.map(suite);
  const sum = (k: "tests" | "failures" | "errors" | "skipped") => suites.reduce((n, s) => n + s[k], 0);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="guardrails" tests="${sum("tests")}" failures="${sum("failures")}" errors="${sum("errors")}" skipped="${sum("skipped")}">`,
    ...suites.map((s) => s.xml),
    `</testsuites>`,
    "",
  ].join("\n");
}
