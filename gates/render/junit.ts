/**
 * JUnit XML for CI test reports: one testsuite per account, one testcase per control.
 * FAIL -> <failure> (a violation was proven), INCONCLUSIVE -> <error> (the check could not
 * complete: CI tools show "errored", distinct from "failed"). A control that is not required
 * and not PASS is <skipped>, because it does not block the account. An account without any
 * evaluated control gets one "account" testcase carrying its verdict, so it is never green.
 * Sweep: a skipped (not ACTIVE) account is a `<skipped/>` case of its own, and what the sweep could
 * not do (listing, revoking, evidence) is an `<error>` case of an "organization" suite.
 */
import type { AccountVerdict, SkippedAccountResult, SweepError, Verdict } from "../types";
import { markingSentence } from "./marking";

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

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function suite(v: AccountVerdict): Suite {
  const all = cases(v);
  const failures = all.filter((c) => c.required && c.verdict === "FAIL").length;
  const errors = all.filter((c) => c.required && c.verdict === "INCONCLUSIVE").length;
  const skipped = all.filter((c) => !c.required && c.verdict !== "PASS").length;
  const head = `  <testsuite name="${xmlEscape(`account ${v.accountId}`)}" tests="${all.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${xmlEscape(v.checkedAt)}">`;
  return { xml: [head, ...all.map((c) => testcase(v.accountId, c)), "  </testsuite>"].join("\n"), tests: all.length, failures, errors, skipped };
}

/** A skipped (not ACTIVE) account: one `<skipped/>` case, or `<error>` when --revoke failed on it. */
function skippedSuite(a: SkippedAccountResult): Suite {
  const name = `${a.accountId} account status`;
  // Reasons are only set when --revoke could not make sure the tag is gone.
  const failedRevoke = a.reasons.length > 0;
  const inner = failedRevoke
    ? `      <error type="INCONCLUSIVE" message="${xmlEscape(a.reasons[0] ?? "")}">${xmlEscape(a.reasons.join("\n"))}</error>`
    : `      <skipped message="${xmlEscape(`not ACTIVE (${a.status}): not checked, never production-ready${a.marked === null ? "" : `; ${markingSentence(a.marked)}`}`)}"/>`;
  const xml = [
    `  <testsuite name="${xmlEscape(`account ${a.accountId}`)}" tests="1" failures="0" errors="${failedRevoke ? 1 : 0}" skipped="${failedRevoke ? 0 : 1}">`,
    `    <testcase classname="${xmlEscape(`guardrails.${a.accountId}`)}" name="${xmlEscape(name)}">`,
    inner,
    "    </testcase>",
    "  </testsuite>",
  ].join("\n");
  return { xml, tests: 1, failures: 0, errors: failedRevoke ? 1 : 0, skipped: failedRevoke ? 0 : 1 };
}

/** What the sweep could not do (list the accounts, revoke, store evidence): one erroring case each. */
function errorsSuite(errors: readonly SweepError[]): Suite {
  const cases = errors.map((e) =>
    [
      `    <testcase classname="guardrails.organization" name="${xmlEscape(`${e.kind}${e.accountId === null ? "" : ` ${e.accountId}`}`)}">`,
      `      <error type="INCONCLUSIVE" message="${xmlEscape(e.reason)}">${xmlEscape(e.reason)}</error>`,
      "    </testcase>",
    ].join("\n"),
  );
  const xml = [`  <testsuite name="organization" tests="${errors.length}" failures="0" errors="${errors.length}" skipped="0">`, ...cases, "  </testsuite>"].join("\n");
  return { xml, tests: errors.length, failures: 0, errors: errors.length, skipped: 0 };
}

export function junitXml(accounts: readonly AccountVerdict[], sweep: { skipped?: readonly SkippedAccountResult[]; errors?: readonly SweepError[] } = {}): string {
  const errors = sweep.errors ?? [];
  const suites = [...(errors.length > 0 ? [errorsSuite(errors)] : []), ...accounts.map(suite), ...(sweep.skipped ?? []).map(skippedSuite)];
  const sum = (k: "tests" | "failures" | "errors" | "skipped") => suites.reduce((n, s) => n + s[k], 0);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="guardrails" tests="${sum("tests")}" failures="${sum("failures")}" errors="${sum("errors")}" skipped="${sum("skipped")}">`,
    ...suites.map((s) => s.xml),
    `</testsuites>`,
    "",
  ].join("\n");
}
