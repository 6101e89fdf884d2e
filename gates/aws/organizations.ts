/**
 * Promotion writes, with the gate's own credentials in the management account: the ready tag
 * (plus check-time and evidence-digest tags) and the optional move into the production OU.
 * Each function throws AwsCallError; promoteAccount turns a failure into exit 3.
 */
import {
  ListParentsCommand,
  ListTagsForResourceCommand,
  MoveAccountCommand,
  TagResourceCommand,
  UntagResourceCommand,
  type Tag,
} from "@aws-sdk/client-organizations";
import { callAws, type CallPolicy } from "./call";
import type { AwsClientFactory } from "./clients";
import { AwsCallError } from "./errors";

export async function listAccountTags(aws: AwsClientFactory, policy: CallPolicy, accountId: string): Promise<Map<string, string>> {
  const org = aws.organizations();
  const tags = new Map<string, string>();
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const out = await callAws("organizations:ListTagsForResource", policy, (abortSignal) =>
      org.send(new ListTagsForResourceCommand({ ResourceId: accountId, NextToken: token }), { abortSignal }),
    );
    for (const t of out.Tags ?? []) if (t.Key !== undefined) tags.set(t.Key, t.Value ?? "");
    token = out.NextToken;
    if (token === undefined || token === "") return tags;
  }
  throw new AwsCallError("malformed", "Pagination", "organizations:ListTagsForResource: pagination does not end");
}

export async function tagAccount(aws: AwsClientFactory, policy: CallPolicy, accountId: string, tags: Record<string, string>): Promise<void> {
  const org = aws.organizations();
  const Tags: Tag[] = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  await callAws("organizations:TagResource", policy, (abortSignal) => org.send(new TagResourceCommand({ ResourceId: accountId, Tags }), { abortSignal }));
}

export async function untagAccount(aws: AwsClientFactory, policy: CallPolicy, accountId: string, keys: string[]): Promise<void> {
  const org = aws.organizations();
  await callAws("organizations:UntagResource", policy, (abortSignal) =>
    org.send(new UntagResourceCommand({ ResourceId: accountId, TagKeys: keys }), { abortSignal }),
  );
}

/**
 * The account's parent (root or OU). An account has exactly one parent
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListParents.html: "In the current
 * release, a child can have only a single parent").
 */
export async function parentOf(aws: AwsClientFactory, policy: CallPolicy, accountId: string): Promise<string> {
  const org = aws.organizations();
  const parents = await callAws("organizations:ListParents", policy, (abortSignal) =>
    org.send(new ListParentsCommand({ ChildId: accountId }), { abortSignal }),
  );
  const parent = parents.Parents?.[0]?.Id;
  if (parent === undefined) throw new AwsCallError("malformed", "NoParent", `organizations:ListParents: no parent for ${accountId}`);
  return parent;
}

/**
 * MoveAccount names both ends and fails when the source is not the current parent
 * (SourceParentNotFoundException) or the account is already in the destination
 * (DuplicateAccountException): https://docs.aws.amazon.com/organizations/latest/APIReference/API_MoveAccount.html
 */
export async function moveAccount(aws: AwsClientFactory, policy: CallPolicy, accountId: string, sourceParentId: string, destinationParentId: string): Promise<void> {
  const org = aws.organizations();
  await callAws("organizations:MoveAccount", policy, (abortSignal) =>
    org.send(new MoveAccountCommand({ AccountId: accountId, SourceParentId: sourceParentId, DestinationParentId: destinationParentId }), { abortSignal }),
  );
}
