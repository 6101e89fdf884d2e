/**
 * promoteAccount: check; on PASS tag the account production-ready (plus when and on what evidence)
 * and optionally move it into the production OU; on anything else make sure it does NOT carry the
 * ready tag. A failed write on PASS keeps the verdict but the account is not marked: exit 3.
 */
import { READY_CHECKED_AT_TAG_KEY, READY_EVIDENCE_TAG_KEY, READY_TAG_VALUE } from "../modules/constants";
import { Deadline, type CallPolicy } from "./aws/call";
import type { AwsClientFactory } from "./aws/clients";
import { listAccountTags, moveAccountTo, tagAccount, untagAccount } from "./aws/organizations";
import { clientFactoryFor, runCheck, type CheckOutcome } from "./check";
import { bundleFor, writeEvidence } from "./evidence-io";
import { DEFAULTS, validateCheckOptions, type PromoteAccountOptions } from "./options";
import type { AccountVerdict, Marked } from "./types";

export interface PromoteResult {
  verdict: AccountVerdict;
  /** The account could not be marked as the verdict requires: exit 3 (a PASS is not a promotion). */
  markingFailed: boolean;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Adds a reason to the IAM.4 control (always listed first): what went wrong and what to do. */
function withReason(v: AccountVerdict, reason: string): AccountVerdict {
  return { ...v, controls: v.controls.map((c, i) => (i === 0 ? { ...c, reasons: [...c.reasons, reason] } : c)) };
}

async function markPass(opts: PromoteAccountOptions, aws: AwsClientFactory, policy: CallPolicy, outcome: CheckOutcome, tagKey: string): Promise<PromoteResult> {
  const intended: AccountVerdict = { ...outcome.verdict, marked: { tag: tagKey, value: READY_TAG_VALUE, changed: true } };
  const tags: Record<string, string> = { [tagKey]: READY_TAG_VALUE, [READY_CHECKED_AT_TAG_KEY]: intended.checkedAt };
  // The evidence tag names the digest of the bundle that records this very marking.
  if (opts.evidenceDir !== undefined) tags[READY_EVIDENCE_TAG_KEY] = bundleFor(opts, outcome, intended).sha256;
  try {
    await tagAccount(aws, policy, opts.accountId, tags);
    if (opts.moveToOuId !== undefined) await moveAccountTo(aws, policy, opts.accountId, opts.moveToOuId);
    return { verdict: await writeEvidence(opts, outcome, intended), markingFailed: false };
  } catch (err) {
    const failed = withReason(
      { ...outcome.verdict, marked: { tag: tagKey, value: READY_TAG_VALUE, changed: false } },
      `Marking the account production-ready failed (${errorText(err)}); it is NOT promoted. Check the gate's organizations:TagResource / MoveAccount permissions and rerun promote.`,
    );
    return { verdict: await writeEvidence(opts, outcome, failed), markingFailed: true };
  }
}

async function unmark(opts: PromoteAccountOptions, aws: AwsClientFactory, policy: CallPolicy, outcome: CheckOutcome, tagKey: string): Promise<PromoteResult> {
  const marked: Marked = { tag: tagKey, value: "", changed: false };
  let verdict: AccountVerdict = outcome.verdict;
  let markingFailed = false;
  try {
    const tags = await listAccountTags(aws, policy, opts.accountId);
    const stale = [tagKey, READY_CHECKED_AT_TAG_KEY, READY_EVIDENCE_TAG_KEY].filter((k) => tags.has(k));
    if (stale.length > 0) {
      await untagAccount(aws, policy, opts.accountId, stale);
      marked.changed = true;
      verdict = withReason(verdict, `Removed the ${tagKey} tag left by an earlier promotion: the account is not production-ready now.`);
    }
  } catch (err) {
    markingFailed = true;
    verdict = withReason(verdict, `Could not make sure the account does not carry ${tagKey} (${errorText(err)}); remove the tag by hand.`);
  }
  return { verdict: await writeEvidence(opts, outcome, { ...verdict, marked }), markingFailed };
}

/** Check, then mark (PASS) or unmark (anything else). Throws GateUsageError for bad options. */
export async function promoteAccount(opts: PromoteAccountOptions): Promise<PromoteResult> {
  validateCheckOptions(opts);
  const aws = clientFactoryFor(opts);
  try {
    const outcome = await runCheck(opts, aws);
    const tagKey = opts.tagKey ?? DEFAULTS.tagKey;
    // Organizations writes get a deadline of their own: the check may have used up the account's.
    const policy: CallPolicy = {
      deadline: new Deadline(opts.timeoutMs ?? DEFAULTS.timeoutMs),
      callTimeoutMs: opts.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
      retry: { ...DEFAULTS.retry, ...opts.retry },
    };
    return outcome.verdict.verdict === "PASS" ? await markPass(opts, aws, policy, outcome, tagKey) : await unmark(opts, aws, policy, outcome, tagKey);
  } finally {
    aws.destroy();
  }
}
