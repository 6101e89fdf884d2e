/**
 * The ready tag set: the `--tag-key` tag, its check-time tag and its evidence-digest tag. Removing
 * it is shared by promote (anything not PASS, and the rollback of a failed promotion) and by
 * `sweep --revoke` (every account not PASS, skipped accounts included).
 *
 * Tags are listed before they are removed: Organizations documents UntagResource as removing "any
 * tags with the specified keys" but not what it answers for a key the resource lacks
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_UntagResource.html), so only
 * keys that are present are named. Only when the list itself cannot be read are all three named.
 */
import { READY_CHECKED_AT_TAG_KEY, READY_EVIDENCE_TAG_KEY } from "../modules/constants";
import type { CallPolicy } from "./aws/call";
import type { AwsClientFactory } from "./aws/clients";
import { listAccountTags, untagAccount } from "./aws/organizations";
import { READY_TAG_UNKNOWN_VALUE, type Marked } from "./types";


export function readyTagKeys(tagKey: string): string[] {
  return [tagKey, READY_CHECKED_AT_TAG_KEY, READY_EVIDENCE_TAG_KEY];
}

export interface ReadyTagRemoval {
  /** The ready tag as it is now, as far as the gate knows: value "" absent, "unknown" if it cannot tell. */
  marked: Marked;
  /** Null when the account does not carry the ready tag set any more. */
  error: string | null;
  /** Set when the tags could not be listed and all three keys were named blindly, successfully. */
  note: string | null;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Makes sure the account does not carry the ready tag set. Never throws: the outcome says what is known. */
export async function removeReadyTagSet(aws: AwsClientFactory, policy: CallPolicy, accountId: string, tagKey: string): Promise<ReadyTagRemoval> {
  const keys = readyTagKeys(tagKey);
  let tags: Map<string, string> | null = null;
  let listError: string | null = null;
  try {
    tags = await listAccountTags(aws, policy, accountId);
  } catch (err) {
    listError = errorText(err);
  }
  const present = tags === null ? keys : keys.filter((k) => tags.has(k));
  if (present.length === 0) return { marked: { tag: tagKey, value: "", changed: false }, error: null, note: null };
  try {
    await untagAccount(aws, policy, accountId, present);
    // Listed and removed: `changed` says whether the ready tag itself was there. Named blindly: it is gone now, whether it was there is unknown.
    const note = listError === null ? null : `The account's tags could not be listed (${listError}); all keys of the ready tag set were removed without looking: the account does not carry it.`;
    return { marked: { tag: tagKey, value: "", changed: tags !== null && tags.has(tagKey) }, error: null, note };
  } catch (err) {
    const value = tags === null ? READY_TAG_UNKNOWN_VALUE : (tags.get(tagKey) ?? "");
    const because = listError === null ? errorText(err) : `${listError}; then ${errorText(err)}`;
    return { marked: { tag: tagKey, value, changed: false }, error: because, note: null };
  }
}

/** The command that removes the ready tag set by hand (what a reason tells the reader to run). */
export function untagCommand(accountId: string, tagKey: string): string {
  return `aws organizations untag-resource --resource-id ${accountId} --tag-keys ${readyTagKeys(tagKey).map((k) => JSON.stringify(k)).join(" ")}`;
}
