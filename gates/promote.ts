/**
 * promoteAccount (DESIGN.md section 4, "The ready tag never lies"): check; on PASS move the account
 * (when asked) and tag it production-ready; on anything else make sure it does not carry the ready tag.
 *
 * On PASS each step runs only after the previous one succeeded:
 *   1. ListTagsForResource, only when no bundle will be stored: is an older evidence-digest tag there?
 *   2. --move-to-ou: ListParents (the parent to return to on failure), then MoveAccount. Refused because the
 *      account already left that parent (another promotion of it moved it first), ListParents again: in the
 *      target OU, go on; anywhere else, fail. Either way nothing of this promotion's is moved back.
 *   3. The evidence bundle, recording the marking about to be made (so the digest tag can name it).
 *   4. UntagResource of the older evidence-digest tag found in 1 (no tag may name a bundle not stored).
 *   5. TagResource of the ready tag set, LAST. It is one call, and Organizations applies all of its
 *      tags or none ("If any one of the tags is not valid ..., then the entire request fails":
 *      https://docs.aws.amazon.com/organizations/latest/APIReference/API_TagResource.html).
 * If any step fails the promotion is rolled back (see rollBack) and the exit code is 3.
 *
 * Evidence. The bundle is written in step 3, before the tags, so the digest tag names a stored
 * bundle; it records the marking as intended. On success that is what happened. On a failure after
 * step 3 the bundle is replaced by one recording what really happened (marking failed, rollback
 * outcome), unless a digest tag naming it may still be on the account (TagResource was sent and the
 * ready set could not be removed afterwards): then it is kept, because a tag names it, and the final
 * bundle is written beside it ("-not-promoted") saying so. Either way the output names the final
 * bundle, which agrees with the output, and no tag names a bundle that is not stored.
 */
import { READY_CHECKED_AT_TAG_KEY, READY_EVIDENCE_TAG_KEY, READY_TAG_VALUE } from "../modules/constants";
import { Deadline, type CallPolicy } from "./aws/call";
import type { AwsClientFactory } from "./aws/clients";
import { AwsCallError } from "./aws/errors";
import { listAccountTags, moveAccount, parentOf, tagAccount, untagAccount } from "./aws/organizations";
import { clientFactoryFor, runCheck, type CheckOutcome } from "./check";
import { deleteEvidence, writeEvidence } from "./evidence-io";
import { DEFAULTS, validateCheckOptions, type PromoteAccountOptions } from "./options";
import { removeReadyTagSet, untagCommand } from "./ready-tag";
import type { AccountVerdict, EvidenceRef } from "./types";

export interface PromoteResult {
  verdict: AccountVerdict;
  /** The account could not be marked as the verdict requires: exit 3 (a PASS is not a promotion). */
  markingFailed: boolean;
}

/**
 * MoveAccount's refusals when the account is no longer in the source parent (SourceParentNotFoundException) or
 * already in the destination (DuplicateAccountException): API_MoveAccount, Errors
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_MoveAccount.html).
 */
const MOVED_ALREADY = new Set(["DuplicateAccountException", "SourceParentNotFoundException"]);

/** Suffix of the final bundle when the intended one must stay (a digest tag may name it). */
export const NOT_PROMOTED_BUNDLE_SUFFIX = "-not-promoted";

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Adds reasons to every required control (IAM.4 always is): they decide the verdict, so they carry why. */
function withReasons(v: AccountVerdict, reasons: readonly string[]): AccountVerdict {
  if (reasons.length === 0) return v;
  return { ...v, controls: v.controls.map((c) => (c.required ? { ...c, reasons: [...c.reasons, ...reasons] } : c)) };
}

/** A promotion step that failed: which step, and the error as the step saw it. */
class StepFailed extends Error {
  constructor(readonly step: string, cause: unknown) {
    super(`${step} failed: ${errorText(cause)}`);
  }
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    throw new StepFailed(name, err);
  }
}

interface PromotionContext {
  opts: PromoteAccountOptions;
  aws: AwsClientFactory;
  outcome: CheckOutcome;
  tagKey: string;
  /** Organizations calls get deadlines of their own: the check may have used up the account's. */
  policy: () => CallPolicy;
}

/** What the PASS steps did before one failed: what the rollback has to undo. */
interface Progress {
  /** The parent before the move; set once ListParents answered and a move was needed. */
  previousParent: string | null;
  moveSent: boolean;
  /**
   * MoveAccount was refused because the account had already left the source for the target: by another
   * promotion of the same account (both vending events, or AFT and an event) or by an earlier attempt of this
   * one whose answer was lost. Which cannot be told, so a rollback must not move it back (see rollBack).
   */
  foundInTarget: boolean;
  /** The bundle recording the intended marking, once stored. */
  intendedBundle: EvidenceRef | null;
  tagSent: boolean;
}

async function markPass(ctx: PromotionContext): Promise<PromoteResult> {
  const { opts, aws, outcome, tagKey } = ctx;
  const accountId = opts.accountId;
  const progress: Progress = { previousParent: null, moveSent: false, foundInTarget: false, intendedBundle: null, tagSent: false };
  const intended: AccountVerdict = { ...outcome.verdict, marked: { tag: tagKey, value: READY_TAG_VALUE, changed: true } };
  const policy = ctx.policy();
  try {
    let staleDigestTag = false;
    if (opts.evidenceDir === undefined) {
      const tags = await step("reading the account's tags (organizations:ListTagsForResource)", () => listAccountTags(aws, policy, accountId));
      staleDigestTag = tags.has(READY_EVIDENCE_TAG_KEY);
    }
    const target = opts.moveToOuId;
    if (target !== undefined) {
      const parent = await step("finding the account's parent (organizations:ListParents)", () => parentOf(aws, policy, accountId));
      if (parent !== target) {
        progress.previousParent = parent;
        progress.moveSent = true;
        const moving = `moving the account from ${parent} into ${target} (organizations:MoveAccount)`;
        try {
          await moveAccount(aws, policy, accountId, parent, target);
        } catch (err) {
          if (!(err instanceof AwsCallError && MOVED_ALREADY.has(err.code))) throw new StepFailed(moving, err);
          // Refused: the account is no longer where it was listed. Only where it is now decides.
          const now = await step(`finding the account's parent after MoveAccount was refused (${err.code})`, () => parentOf(aws, policy, accountId));
          // Either way this call moved nothing, so there is nothing of ours to move back.
          progress.moveSent = false;
          if (now !== target) throw new StepFailed(moving, new Error(`${errorText(err)}; the account is now in ${now}, not ${target}`));
          progress.foundInTarget = true;
        }
      }
    }
    let stored: AccountVerdict = intended;
    if (opts.evidenceDir !== undefined) {
      stored = await step(`writing the evidence bundle to ${opts.evidenceDir}`, () => writeEvidence(opts, outcome, intended));
      progress.intendedBundle = stored.evidence;
    }
    if (staleDigestTag) {
      await step(`removing the older ${READY_EVIDENCE_TAG_KEY} tag (organizations:UntagResource)`, () => untagAccount(aws, policy, accountId, [READY_EVIDENCE_TAG_KEY]));
    }
    const tags: Record<string, string> = { [tagKey]: READY_TAG_VALUE, [READY_CHECKED_AT_TAG_KEY]: intended.checkedAt };
    if (progress.intendedBundle !== null) tags[READY_EVIDENCE_TAG_KEY] = progress.intendedBundle.sha256;
    progress.tagSent = true;
    await step(`tagging the account ${tagKey}=${READY_TAG_VALUE} (organizations:TagResource)`, () => tagAccount(aws, policy, accountId, tags));
    return { verdict: stored, markingFailed: false };
  } catch (err) {
    return rollBack(ctx, progress, err);
  }
}

/** Moves the account back where it was; returns the sentence for the reasons. Never throws. */
async function moveBack(ctx: PromotionContext, previousParent: string, target: string): Promise<string> {
  const { aws, opts } = ctx;
  const policy = ctx.policy();
  let current: string | null = null;
  try {
    // MoveAccount may have failed before or after it took effect (a timeout): ask where the account is.
    current = await parentOf(aws, policy, opts.accountId);
    if (current === previousParent) return `The account is in ${previousParent}, where it was before.`;
    await moveAccount(aws, policy, opts.accountId, current, previousParent);
    return `The account was moved back from ${current} to ${previousParent}.`;
  } catch (err) {
    const from = current ?? target;
    return `The account could NOT be moved back to ${previousParent} (${errorText(err)}); it may still be in ${from}: move it by hand with aws organizations move-account --account-id ${opts.accountId} --source-parent-id ${from} --destination-parent-id ${previousParent}.`;
  }
}

/**
 * Undoes a failed promotion, best effort: removes whatever of the ready tag set the account carries
 * (first: the tag is what pipelines trust), moves the account back to its previous parent, then stores
 * the final bundle. The reasons say what failed and whether each undo step worked.
 */
async function rollBack(ctx: PromotionContext, progress: Progress, err: unknown): Promise<PromoteResult> {
  const { opts, aws, outcome, tagKey } = ctx;
  const cause = err instanceof StepFailed ? err.message : `promotion failed: ${errorText(err)}`;
  const reasons = [`Promotion of ${opts.accountId} stopped: ${cause}; it is NOT promoted.`];
  const removal = await removeReadyTagSet(aws, ctx.policy(), opts.accountId, tagKey);
  if (removal.error !== null) reasons.push(`The ready tag set could not be removed (${removal.error}); remove it by hand: ${untagCommand(opts.accountId, tagKey)}.`);
  else if (removal.note !== null) reasons.push(removal.note);
  else if (removal.marked.changed) reasons.push(`The ${tagKey} tag is removed: the account does not carry it.`);
  if (progress.moveSent && progress.previousParent !== null && opts.moveToOuId !== undefined) {
    reasons.push(await moveBack(ctx, progress.previousParent, opts.moveToOuId));
  } else if (progress.foundInTarget && progress.previousParent !== null && opts.moveToOuId !== undefined) {
    // Moving it back could undo another promotion's move (which tags it once its own steps pass): left as found.
    reasons.push(
      `The account is left in ${opts.moveToOuId}, where it was found after MoveAccount was refused (moved there by another promotion of it, or by this one's earlier attempt); it carries no ready tag. To return it: aws organizations move-account --account-id ${opts.accountId} --source-parent-id ${opts.moveToOuId} --destination-parent-id ${progress.previousParent}.`,
    );
  }
  // DESIGN section 4: a PASS whose marking failed reports `changed: false` (it was not promoted); the value says what the account carries now.
  const final = withReasons({ ...outcome.verdict, marked: { ...removal.marked, changed: false } }, reasons);
  if (opts.evidenceDir === undefined) return { verdict: final, markingFailed: true };

  const intendedBundle = progress.intendedBundle;
  // A digest tag naming the intended bundle may remain only if TagResource was sent and the set could not be removed.
  const keepIntended = intendedBundle !== null && progress.tagSent && removal.error !== null;
  const finalVerdict = keepIntended
    ? withReasons(final, [`The evidence bundle ${intendedBundle.path} records the promotion as intended; it is kept because a ${READY_EVIDENCE_TAG_KEY} tag may name it. This bundle records what happened.`])
    : final;
  try {
    return { verdict: await writeEvidence(opts, outcome, finalVerdict, keepIntended ? NOT_PROMOTED_BUNDLE_SUFFIX : ""), markingFailed: true };
  } catch (writeErr) {
    // The intended bundle would tell a promotion that did not happen: remove it (no tag names it).
    let stale = "";
    if (intendedBundle !== null && !keepIntended) {
      stale = await deleteEvidence(intendedBundle, opts.evidenceStore).then(
        () => ` The bundle recording the intended promotion was deleted.`,
        (e: unknown) => ` The bundle ${intendedBundle.path} records the intended promotion, which did not happen, and could not be deleted (${errorText(e)}): disregard it.`,
      );
    }
    return { verdict: withReasons(finalVerdict, [`The evidence bundle could not be written to ${opts.evidenceDir} (${errorText(writeErr)}).${stale}`]), markingFailed: true };
  }
}

/** Not PASS: the account must not carry the ready tag set (an earlier promotion's is removed). */
async function unmark(ctx: PromotionContext): Promise<PromoteResult> {
  const { opts, aws, outcome, tagKey } = ctx;
  const removal = await removeReadyTagSet(aws, ctx.policy(), opts.accountId, tagKey);
  const reasons: string[] = [];
  if (removal.error !== null) reasons.push(`Could not make sure the account does not carry ${tagKey} (${removal.error}); remove the tags by hand: ${untagCommand(opts.accountId, tagKey)}.`);
  else if (removal.note !== null) reasons.push(removal.note);
  else if (removal.marked.changed) reasons.push(`Removed the ${tagKey} tag left by an earlier promotion: the account is not production-ready now.`);
  const verdict = withReasons({ ...outcome.verdict, marked: removal.marked }, reasons);
  try {
    return { verdict: await writeEvidence(opts, outcome, verdict), markingFailed: removal.error !== null };
  } catch (err) {
    return { verdict: withReasons(verdict, [`The evidence bundle could not be written to ${opts.evidenceDir ?? ""} (${errorText(err)}).`]), markingFailed: true };
  }
}

/** Check, then mark (PASS) or unmark (anything else). Throws GateUsageError for bad options. */
export async function promoteAccount(opts: PromoteAccountOptions): Promise<PromoteResult> {
  validateCheckOptions(opts);
  const aws = clientFactoryFor(opts);
  try {
    const outcome = await runCheck(opts, aws);
    const ctx: PromotionContext = {
      opts,
      aws,
      outcome,
      tagKey: opts.tagKey ?? DEFAULTS.tagKey,
      policy: () => ({
        deadline: new Deadline(opts.timeoutMs ?? DEFAULTS.timeoutMs),
        callTimeoutMs: opts.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
        retry: { ...DEFAULTS.retry, ...opts.retry },
      }),
    };
    return outcome.verdict.verdict === "PASS" ? await markPass(ctx) : await unmark(ctx);
  } finally {
    aws.destroy();
  }
}
