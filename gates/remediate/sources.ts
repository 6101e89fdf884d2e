/** Every read and request of a remediation as an auditor asks for it: what, when, where, through which API, as whom. Pure. */
import { maskAccessKeyId } from "../mask";
import type { Read } from "../types";
import { reportKeySlots } from "./state";
import type { RemediationEvidence, ReportedSource, RootKeyState } from "./types";

type Phase = ReportedSource["phase"];
const OWN_CREDENTIALS = "the responder's own credentials";

function source<T>(name: string, phase: Phase, read: Read<T>, summary: (value: T) => string): ReportedSource {
  return {
    name,
    phase,
    observedAt: read.observedAt,
    accountId: read.accountId,
    region: read.region,
    api: read.api,
    principal: read.principal ?? OWN_CREDENTIALS,
    summary: read.ok ? summary(read.value) : `unavailable: ${read.kind}${read.code !== undefined ? ` (${read.code})` : ""}`,
  };
}

function stateSources(e: RemediationEvidence, state: RootKeyState, phase: Phase): ReportedSource[] {
  const out: ReportedSource[] = [];
  if (state.keys !== null) {
    out.push(source("root-access-keys", phase, state.keys, (keys) => (keys.length === 0 ? "no root access key" : `${keys.length} key(s): ${keys.map((k) => `${maskAccessKeyId(k.accessKeyId)} ${k.status}`).join(", ")}`)));
  }
  for (const [id, read] of Object.entries(state.lastUsed)) {
    out.push(source("key-last-used", phase, read, (u) => `${maskAccessKeyId(id)}: ${u.date === null ? "never used" : `last used ${u.date}${u.region !== null ? ` in ${u.region}` : ""}${u.service !== null ? ` by ${u.service}` : ""}`}`));
  }
  out.push(source("account-summary", phase, state.accountSummary, (s) => (s.accountAccessKeysPresent === null ? "AccountAccessKeysPresent missing from SummaryMap" : `AccountAccessKeysPresent ${s.accountAccessKeysPresent}`)));
  if (state.reportGeneration !== undefined) {
    out.push(source("credential-report-generation", phase, state.reportGeneration, (answer) => `GenerateCredentialReport answered ${answer}${answer === "COMPLETE" ? " (a report under 4 h old is kept as it is)" : ""}`));
  }
  if (state.credentialReport !== null) {
    out.push(source("credential-report", phase, state.credentialReport, () => {
      const r = reportKeySlots(state.credentialReport, e.accountId, e.partition);
      return `generated ${r?.generatedAt ?? "at an unknown time"}; root key slots: ${r?.slots ?? "unknown"}`;
    }));
  }
  return out;
}

export function reportedSources(e: RemediationEvidence): ReportedSource[] {
  const out: ReportedSource[] = [
    source("organization-features", "preconditions", e.features, (f) => `EnabledFeatures: ${f.enabledFeatures.join(", ") || "none"}${f.organizationId !== null ? ` (organization ${f.organizationId})` : ""}`),
    source("management-account", "preconditions", e.managementAccount, (id) => `management account ${id}`),
    source("account-status", "preconditions", e.accountStatus, (s) => `State ${s.state ?? "absent"}, Status ${s.status ?? "absent"}`),
  ];
  if (e.session !== null) {
    const s = e.session;
    out.push(source("root-session", "before", s.opened, (o) => `opened with ${s.taskPolicyArn} for ${s.durationSeconds} s; expires ${o.expiresAt ?? "at an unknown time"}`));
  }
  out.push(...stateSources(e, e.before, "before"));
  for (const d of e.deletions) {
    out.push({
      name: "delete-access-key",
      phase: "apply",
      observedAt: d.completedAt,
      accountId: e.accountId,
      region: e.homeRegion,
      api: "iam:DeleteAccessKey",
      principal: `arn:${e.partition}:iam::${e.accountId}:root`,
      summary: `${maskAccessKeyId(d.accessKeyId)}: ${d.result}${d.error !== null ? ` (${d.error.code})` : ""}, requested ${d.requestedAt}`,
    });
  }
  if (e.after !== null) out.push(...stateSources(e, e.after, "after"));
  return out;
}
