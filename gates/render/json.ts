/**
 * `--output json` (DESIGN.md section 4). Objects are rebuilt field by field so the key order is
 * the documented one whatever order the caller built them in, and no extra field leaks out.
 */
import type { AccountVerdict, ControlResult, SourceRecord, SweepResult } from "../types";

export type JsonAccount = ReturnType<typeof accountJson>;

/** One source in the documented key order, optional keys only when present. */
export function sourceJson(s: SourceRecord) {
  return {
    name: s.name,
    observedAt: s.observedAt,
    summary: s.summary,
    ...(s.accountId !== undefined ? { accountId: s.accountId } : {}),
    ...(s.region !== undefined ? { region: s.region } : {}),
    ...(s.api !== undefined ? { api: s.api } : {}),
  };
}

function controlJson(c: ControlResult) {
  return { id: c.id, verdict: c.verdict, required: c.required, reasons: [...c.reasons], sources: c.sources.map(sourceJson) };
}

export function accountJson(v: AccountVerdict) {
  return {
    schemaVersion: v.schemaVersion,
    accountId: v.accountId,
    checkedAt: v.checkedAt,
    verdict: v.verdict,
    productionReady: v.productionReady,
    controls: v.controls.map(controlJson),
    marked: v.marked === null ? null : { tag: v.marked.tag, value: v.marked.value, changed: v.marked.changed },
    evidence: v.evidence === null ? null : { path: v.evidence.path, sha256: v.evidence.sha256 },
  };
}

export function sweepJson(r: SweepResult) {
  const s = r.summary;
  return {
    schemaVersion: r.schemaVersion,
    accounts: r.accounts.map(accountJson),
    // Not ACTIVE: not checked, listed so that no output can be read as "every account proven".
    skipped: r.skipped.map((a) => ({
      accountId: a.accountId,
      status: a.status,
      marked: a.marked === null ? null : { tag: a.marked.tag, value: a.marked.value, changed: a.marked.changed },
      reasons: [...a.reasons],
    })),
    summary: {
      accounts: s.accounts,
      pass: s.pass,
      fail: s.fail,
      inconclusive: s.inconclusive,
      skipped: s.skipped,
      verdict: s.verdict,
      errors: s.errors.map((e) => ({ kind: e.kind, accountId: e.accountId, reason: e.reason })),
    },
    // Added in schemaVersion 1 (a new field): the remediate command for each account failing IAM.4.
    remediation: (r.remediation ?? []).map((h) => ({ accountId: h.accountId, command: h.command, reason: h.reason })),
  };
}
