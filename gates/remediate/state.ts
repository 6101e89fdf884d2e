/**
 * What the live sources say about the root user's access keys, and how each read is shown (masked) in the
 * report. Pure.
 *
 * Two live sources: the root session's ListAccessKeys (the root user's own view: keys with ids, active or
 * inactive) and GetAccountSummary AccountAccessKeysPresent through the gate role (real time, counts active
 * and inactive root keys: reference/controls.md 1.2). The credential report is not live: it may be up to 4 h
 * old (controls.md 1.1) and is never used to decide whether a key remains.
 */
import { parseCredentialReport, rootKeyPresentInSlot } from "../credential-report";
import { maskAccessKeyId } from "../mask";
import type { Read, ReadFailure } from "../types";
import { remediationFailureSentence } from "./reasons";
import type { KeyLastUsed, ReportedKey, ReportedState, RootAccessKey, RootKeyState } from "./types";

export type Presence =
  /** A source shows a key: the root session lists it, or the summary counts one the listing could not check. */
  | { kind: "present"; count: number; listed: boolean }
  | { kind: "absent" }
  /** The sources disagree (the root session lists none, the summary counts some). */
  | { kind: "disagree"; summaryCount: number }
  | { kind: "unknown" };

/**
 * `requireBoth`: after deleting, removal is proven only when the root session lists no key AND the summary
 * counts 0 (DESIGN.md section 11). Otherwise either live source proves there is none, unless the other shows one.
 */
export function presenceOf(state: RootKeyState, requireBoth: boolean): Presence {
  const listing = state.keys;
  const summary = state.accountSummary;
  const listed = listing !== null && listing.ok ? listing.value.length : null;
  const counted = summary.ok ? summary.value.accountAccessKeysPresent : null;
  if (listed !== null && listed > 0) return { kind: "present", count: listed, listed: true };
  if (counted !== null && counted > 0) return listed === 0 ? { kind: "disagree", summaryCount: counted } : { kind: "present", count: counted, listed: false };
  const summaryZero = counted === 0;
  const listingEmpty = listed === 0;
  if (requireBoth) return summaryZero && listingEmpty ? { kind: "absent" } : { kind: "unknown" };
  return summaryZero || listingEmpty ? { kind: "absent" } : { kind: "unknown" };
}

/** "slot 1 and slot 2", "none" or "unknown": which credential-report slots show a root key. */
export function reportKeySlots(report: Read<{ content: string; generatedTime: string | null }> | null, accountId: string, partition: string): { generatedAt: string | null; slots: string; showsKey: boolean | null } | null {
  if (report === null || !report.ok) return null;
  const parsed = parseCredentialReport(report.value.content, { accountId, partition });
  if (parsed.root === null) return { generatedAt: report.value.generatedTime, slots: `unknown (${parsed.structuralError ?? "no root row"})`, showsKey: null };
  const present = parsed.root.accessKeys.map((s) => rootKeyPresentInSlot(s));
  const shown = present.flatMap((p, i) => (p === true ? [`slot ${i + 1}`] : []));
  const showsKey = present.some((p) => p === true) ? true : present.every((p) => p === false) ? false : null;
  return { generatedAt: report.value.generatedTime, slots: shown.length > 0 ? shown.join(" and ") : showsKey === false ? "none" : "unknown", showsKey };
}

/** "****************RTK1 (Active, created 2026-…, last used 2026-… in us-east-1 by s3)". */
export function keySentence(key: ReportedKey): string {
  const used = key.lastUsed === null ? "last use unknown" : key.lastUsed.date === null ? "never used" : `last used ${key.lastUsed.date}${key.lastUsed.region !== null ? ` in ${key.lastUsed.region}` : ""}${key.lastUsed.service !== null ? ` by ${key.lastUsed.service}` : ""}`;
  return `${key.accessKeyId} (${key.status}, created ${key.createDate ?? "unknown"}, ${used})`;
}

function reportedKey(k: RootAccessKey, lastUsed: Read<KeyLastUsed> | undefined): ReportedKey {
  return { accessKeyId: maskAccessKeyId(k.accessKeyId), status: k.status, createDate: k.createDate, lastUsed: lastUsed?.ok === true ? lastUsed.value : null };
}

/** The state as the report shows it: keys masked, each failed read as a sentence with cause and fix. */
export function reportedState(state: RootKeyState, accountId: string, partition: string): ReportedState {
  const problems: string[] = [];
  const failed = (what: string, r: ReadFailure): void => void problems.push(remediationFailureSentence(what, r));
  if (state.keys !== null && !state.keys.ok) failed("the root user's access keys (root session)", state.keys);
  if (!state.accountSummary.ok) failed("GetAccountSummary", state.accountSummary);
  for (const [id, r] of Object.entries(state.lastUsed)) if (!r.ok) failed(`when ${maskAccessKeyId(id)} was last used`, r);
  // No current report is not a problem for remediate (the live sources decide); its source entry records it.
  if (state.credentialReport !== null && !state.credentialReport.ok && state.credentialReport.kind !== "not-found") failed("the credential report", state.credentialReport);
  const report = reportKeySlots(state.credentialReport, accountId, partition);
  return {
    rootAccessKeys: state.keys !== null && state.keys.ok ? state.keys.value.map((k) => reportedKey(k, state.lastUsed[k.accessKeyId])) : null,
    accountAccessKeysPresent: state.accountSummary.ok ? state.accountSummary.value.accountAccessKeysPresent : null,
    credentialReport: report === null ? null : { generatedAt: report.generatedAt, rootKeySlots: report.slots },
    problems,
  };
}
