/**
 * IAM.3 live data: every IAM user (all pages) and, per user, every access key (all pages) and the
 * owner tag, read with bounded concurrency. Each user's keys are a Read of their own, so one
 * unreadable user makes IAM.3 INCONCLUSIVE without hiding the others.
 */
import { GetAccessKeyLastUsedCommand, ListAccessKeysCommand, ListUsersCommand, ListUserTagsCommand, type User } from "@aws-sdk/client-iam";
import { callAws } from "../aws/call";
import type { AccessKeyEvidence, IamUserEvidence, Read } from "../types";
import { MalformedResponseError, readSource, type CollectContext } from "./context";

const MAX_PAGES = 1_000;

export interface Iam3ReadOptions {
  /** Tag key naming a user's owner (config gate.ownerTagKey); null skips ListUserTags. */
  ownerTagKey: string | null;
  /** Also call GetAccessKeyLastUsed per key (one more call per key). */
  readLastUsed: boolean;
  /** Users read in parallel. */
  concurrency: number;
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/** Follows IsTruncated/Marker to the end; a marker that repeats or never ends is malformed. */
async function allPages<P>(api: string, fetch: (marker: string | undefined) => Promise<{ page: P[]; truncated: boolean; marker: string | undefined }>): Promise<P[]> {
  const items: P[] = [];
  let marker: string | undefined;
  const seen = new Set<string>();
  for (let n = 1; n <= MAX_PAGES; n++) {
    const out = await fetch(marker);
    items.push(...out.page);
    if (!out.truncated) return items;
    if (out.marker === undefined || seen.has(out.marker)) throw new MalformedResponseError(api, "IsTruncated without a new Marker");
    seen.add(out.marker);
    marker = out.marker;
  }
  throw new MalformedResponseError(api, "pagination does not end");
}

export function readIamUsers(ctx: CollectContext, opts: Iam3ReadOptions): Promise<Read<IamUserEvidence[]>> {
  const api = "iam:ListUsers";
  return readSource(ctx, { accountId: ctx.accountId, region: ctx.homeRegion, api, principal: ctx.aws.roleArn(ctx.accountId) }, async () => {
    const { iam } = await ctx.aws.inAccount(ctx.accountId, ctx.policy);
    const users: User[] = await allPages(api, async (Marker) => {
      const out = await callAws(api, ctx.policy, (abortSignal) => iam.send(new ListUsersCommand({ Marker, MaxItems: 1000 }), { abortSignal }));
      if (!Array.isArray(out.Users)) throw new MalformedResponseError(api, "no Users list");
      return { page: out.Users, truncated: out.IsTruncated === true, marker: out.Marker };
    });
    return mapBounded(users, opts.concurrency, (u) => readUser(ctx, opts, u));
  });
}

async function readUser(ctx: CollectContext, opts: Iam3ReadOptions, user: User): Promise<IamUserEvidence> {
  const userName = user.UserName ?? "";
  const { iam } = await ctx.aws.inAccount(ctx.accountId, ctx.policy);
  const keysApi = "iam:ListAccessKeys";
  const [keys, owner] = await Promise.all([
    readSource(ctx, { accountId: ctx.accountId, region: ctx.homeRegion, api: keysApi, principal: ctx.aws.roleArn(ctx.accountId) }, async () => {
      if (userName === "") throw new MalformedResponseError("iam:ListUsers", "a user without UserName");
      const metadata = await allPages(keysApi, async (Marker) => {
        const out = await callAws(keysApi, ctx.policy, (abortSignal) =>
          iam.send(new ListAccessKeysCommand({ UserName: userName, Marker }), { abortSignal }),
        );
        if (!Array.isArray(out.AccessKeyMetadata)) throw new MalformedResponseError(keysApi, "no AccessKeyMetadata");
        return { page: out.AccessKeyMetadata, truncated: out.IsTruncated === true, marker: out.Marker };
      });
      return Promise.all(
        metadata.map(async (k): Promise<AccessKeyEvidence> => {
          const accessKeyId = k.AccessKeyId ?? "";
          const lastUsedDate = opts.readLastUsed && accessKeyId !== "" ? await readLastUsed(ctx, accessKeyId) : null;
          return { accessKeyId, status: k.Status ?? "", createDate: k.CreateDate?.toISOString() ?? null, lastUsedDate };
        }),
      );
    }),
    opts.ownerTagKey === null ? Promise.resolve(null) : readOwnerTag(ctx, userName, opts.ownerTagKey),
  ]);
  return { userName, userArn: user.Arn ?? "", owner, keys };
}

/** The owner tag is informative only: any failure reads as "no owner", never as a failed check. */
async function readOwnerTag(ctx: CollectContext, userName: string, tagKey: string): Promise<string | null> {
  try {
    const { iam } = await ctx.aws.inAccount(ctx.accountId, ctx.policy);
    const out = await callAws("iam:ListUserTags", ctx.policy, (abortSignal) => iam.send(new ListUserTagsCommand({ UserName: userName }), { abortSignal }));
    return out.Tags?.find((t) => t.Key === tagKey)?.Value ?? null;
  } catch {
    return null;
  }
}

/** Last use is informative only (the decision is on age): failure reads as unknown. */
async function readLastUsed(ctx: CollectContext, accessKeyId: string): Promise<string | null> {
  try {
    const { iam } = await ctx.aws.inAccount(ctx.accountId, ctx.policy);
    const out = await callAws("iam:GetAccessKeyLastUsed", ctx.policy, (abortSignal) =>
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }), { abortSignal }),
    );
    return out.AccessKeyLastUsed?.LastUsedDate?.toISOString() ?? null;
  } catch {
    return null;
  }
}
