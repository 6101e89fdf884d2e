/**
 * Glue between a check and gate-core's evidence bundle: what goes in (verdict, IAM.4 raw reads,
 * IAM.3 findings, exceptions applied, effective settings) and where it is written.
 */
import { rm } from "node:fs/promises";
import { CONTROL_IAM3 } from "../modules/constants";
import type { CheckOutcome } from "./check";
import { buildBundle, writeBundle, type AppliedExceptionRecord, type EvidenceBundle } from "./evidence/bundle";
import type { CheckAccountOptions, EvidenceStore } from "./options";
import type { AccountVerdict, EvidenceRef } from "./types";

/** The settings that shaped the verdict (no callbacks, no exceptions' content): their digest goes in the bundle. */
function effectiveSettings(opts: CheckAccountOptions): Record<string, unknown> {
  return {
    homeRegion: opts.homeRegion,
    securityHubAccountId: opts.securityHubAccountId,
    partition: opts.partition ?? "aws",
    roleName: opts.roleName ?? null,
    require: [...(opts.require ?? [])],
    maxAccessKeyAgeDays: opts.maxAccessKeyAgeDays ?? null,
    acceptNoRootCredentials: opts.acceptNoRootCredentials ?? false,
    configFileDigest: opts.configDigest ?? null,
  };
}

export function bundleFor(opts: CheckAccountOptions, outcome: CheckOutcome, verdict: AccountVerdict): EvidenceBundle {
  const exceptionsApplied: AppliedExceptionRecord[] = outcome.decisions.iam3.exceptionsApplied.map((x) => ({
    control: CONTROL_IAM3,
    account: x.account,
    user: x.user,
    accessKeyId: x.exceptionAccessKeyId,
    reason: x.reason,
    approver: x.approver,
    ticket: x.ticket,
    approvedAt: x.approvedAt,
    expires: x.expires,
  }));
  const iam3Findings = outcome.evidence.iam3.findings;
  return buildBundle({
    verdict,
    iam4: outcome.evidence.iam4,
    findings: iam3Findings.ok ? iam3Findings.value : [],
    exceptionsApplied,
    config: effectiveSettings(opts),
  });
}

/** Writes the bundle when an evidence directory is configured; returns the verdict with `evidence` set. */
export async function writeEvidence(opts: CheckAccountOptions, outcome: CheckOutcome, verdict: AccountVerdict, suffix = ""): Promise<AccountVerdict> {
  if (opts.evidenceDir === undefined) return verdict;
  const bundle = bundleFor(opts, outcome, verdict);
  const written = await writeBundle(opts.evidenceDir, bundle, suffix);
  // With a store the bundle counts as written once stored there, and is named by where it is stored.
  const path = opts.evidenceStore === undefined ? written.jsonPath : await opts.evidenceStore.store(written);
  return { ...verdict, evidence: { path, sha256: written.sha256 } };
}

/** Deletes a bundle (JSON and Markdown) that no longer tells what happened. */
export async function deleteEvidence(ref: EvidenceRef, store?: EvidenceStore): Promise<void> {
  if (store !== undefined) return store.remove(ref.path);
  await rm(ref.path, { force: true });
  await rm(ref.path.replace(/\.json$/, ".md"), { force: true });
}
