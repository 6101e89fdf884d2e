/**
 * The AWS I/O of `guardrails remediate`. Reads return Read<T> and never throw (collect/context.ts); the one
 * mutating request, DeleteAccessKey, returns a DeletionAttempt recording its time and result.
 *
 * With the responder's own credentials (management account or IAM's delegated administrator):
 * iam:ListOrganizationsFeatures, organizations:DescribeOrganization, organizations:DescribeAccount (collect),
 * sts:AssumeRoot on the home region's regional STS endpoint. In the centralized-root session: iam:ListAccessKeys,
 * iam:GetAccessKeyLastUsed and iam:DeleteAccessKey without UserName (the signer's user: the root). Through the
 * gate's read-only role: iam:GetAccountSummary and the credential report (collect).
 */
import { DeleteAccessKeyCommand, GenerateCredentialReportCommand, GetAccessKeyLastUsedCommand, GetCredentialReportCommand, ListAccessKeysCommand, ListOrganizationsFeaturesCommand, type IAMClient } from "@aws-sdk/client-iam";
import { DescribeOrganizationCommand } from "@aws-sdk/client-organizations";
import { AssumeRootCommand } from "@aws-sdk/client-sts";
import { rootTaskPolicyArn, type RootTaskPolicyName } from "../../modules/constants";
import { callAws } from "../aws/call";
import { AwsCallError, classifyAwsError } from "../aws/errors";
import { MalformedResponseError, readSource, type CollectContext } from "../collect/context";
import type { RawCredentialReport, Read, ReadFailure, ReadLocation } from "../types";
import type { DeletionAttempt, KeyLastUsed, OrganizationFeatures, RootAccessKey, RootSessionRecord } from "./types";

/** AssumeRoot's DurationSeconds ranges from 0 to 900 (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html). */
export const ROOT_SESSION_MAX_SECONDS = 900;

/** ListOrganizationsFeatures with the caller's own credentials (management account or IAM delegated administrator). */
export function readOrganizationFeatures(ctx: CollectContext, callerAccountId: string): Promise<Read<OrganizationFeatures>> {
  const api = "iam:ListOrganizationsFeatures";
  return readSource(ctx, { accountId: callerAccountId, region: ctx.homeRegion, api }, async () => {
    const iam = ctx.aws.managementIam();
    const out = await callAws(api, ctx.policy, (abortSignal) => iam.send(new ListOrganizationsFeaturesCommand({}), { abortSignal }));
    if (out.EnabledFeatures === undefined) throw new MalformedResponseError(api, "no EnabledFeatures");
    return { enabledFeatures: [...out.EnabledFeatures], organizationId: out.OrganizationId ?? null };
  });
}

/**
 * The organization's management account (DescribeOrganization MasterAccountId, callable from any account of
 * the organization: https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html).
 */
export function readManagementAccount(ctx: CollectContext, callerAccountId: string): Promise<Read<string>> {
  const api = "organizations:DescribeOrganization";
  return readSource(ctx, { accountId: callerAccountId, region: ctx.homeRegion, api }, async () => {
    const org = ctx.aws.organizations();
    const out = await callAws(api, ctx.policy, (abortSignal) => org.send(new DescribeOrganizationCommand({}), { abortSignal }));
    const id = out.Organization?.MasterAccountId;
    if (id === undefined || !/^\d{12}$/.test(id)) throw new MalformedResponseError(api, "no MasterAccountId");
    return id;
  });
}

const REPORT_NOT_CURRENT = new Set(["CredentialReportNotPresentException", "ReportNotPresent", "CredentialReportExpiredException", "ReportExpired", "CredentialReportNotReadyException", "ReportInProgress"]);

/**
 * The credential report exactly as IAM serves it now, never generating one: a dry run (and the state before
 * deleting) sends no request that changes anything. A report that is absent, expired or in progress is a
 * failed read with that code (the live sources decide; the report only documents).
 */
export function readCredentialReportAsServed(ctx: CollectContext): Promise<Read<RawCredentialReport>> {
  const api = "iam:GetCredentialReport";
  return readSource(ctx, { accountId: ctx.accountId, region: ctx.homeRegion, api, principal: ctx.aws.roleArn(ctx.accountId) }, async () => {
    const { iam } = await ctx.aws.inAccount(ctx.accountId, ctx.policy);
    try {
      const out = await callAws(api, ctx.policy, (abortSignal) => iam.send(new GetCredentialReportCommand({}), { abortSignal }));
      if (out.Content === undefined) throw new MalformedResponseError(api, "no Content");
      return { content: new TextDecoder("utf-8", { fatal: true }).decode(out.Content), generatedTime: out.GeneratedTime?.toISOString() ?? null, generationRequested: false };
    } catch (err) {
      if (err instanceof AwsCallError && REPORT_NOT_CURRENT.has(err.code)) throw new AwsCallError("not-found", err.code, `${api}: IAM holds no current credential report (${err.code})`);
      throw err;
    }
  });
}

/**
 * After deleting, ask IAM for a new credential report (through the gate role). "If so [a report generated within
 * the past four hours], the most recent report is downloaded" (id_credentials_getting-report.html): IAM answers
 * COMPLETE at once and keeps the old report, which is why IAM.4 may wait up to 4 h; the answer is recorded.
 */
export function requestCredentialReport(ctx: CollectContext): Promise<Read<string>> {
  const api = "iam:GenerateCredentialReport";
  return readSource(ctx, { accountId: ctx.accountId, region: ctx.homeRegion, api, principal: ctx.aws.roleArn(ctx.accountId) }, async () => {
    const { iam } = await ctx.aws.inAccount(ctx.accountId, ctx.policy);
    const out = await callAws(api, ctx.policy, (abortSignal) => iam.send(new GenerateCredentialReportCommand({}), { abortSignal }));
    return out.State ?? "unknown";
  });
}

/** A live root session: the IAM client signed with its credentials, and the principal its calls are made as. */
export interface RootSession {
  iam: IAMClient;
  principal: string;
}

/**
 * sts:AssumeRoot into the member account with a root-task policy, on the regional endpoint. TargetPrincipal is
 * the account id ("The member account principal ARN or account ID"); the session lasts `durationSeconds`
 * (at most 900), as short as the work needs.
 */
export async function openRootSession(
  ctx: CollectContext,
  task: RootTaskPolicyName,
  durationSeconds: number,
): Promise<{ record: RootSessionRecord; session: RootSession | null }> {
  const taskPolicyArn = rootTaskPolicyArn(ctx.partition, task);
  const rootArn = `arn:${ctx.partition}:iam::${ctx.accountId}:root`;
  const duration = Math.max(0, Math.min(ROOT_SESSION_MAX_SECONDS, Math.ceil(durationSeconds)));
  const holder: { session: RootSession | null } = { session: null };
  const opened = await readSource(ctx, { accountId: ctx.accountId, region: ctx.homeRegion, api: "sts:AssumeRoot" }, async () => {
    const sts = ctx.aws.regionalSts();
    const out = await callAws(`sts:AssumeRoot ${rootArn}`, ctx.policy, (abortSignal) =>
      sts.send(new AssumeRootCommand({ TargetPrincipal: ctx.accountId, TaskPolicyArn: { arn: taskPolicyArn }, DurationSeconds: duration }), { abortSignal }),
    );
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) throw new MalformedResponseError("sts:AssumeRoot", "no Credentials");
    const credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, ...(c.Expiration !== undefined ? { expiration: c.Expiration } : {}) };
    holder.session = { iam: ctx.aws.iamWith(credentials), principal: rootArn };
    return { expiresAt: c.Expiration?.toISOString() ?? null };
  });
  return { record: { taskPolicyArn, durationSeconds: duration, region: ctx.homeRegion, opened }, session: holder.session };
}

function rootLocation(ctx: CollectContext, session: RootSession, api: string): ReadLocation {
  return { accountId: ctx.accountId, region: ctx.homeRegion, api, principal: session.principal };
}

/** A read that could not be made because the root session did not open: the session's failure, under this read's name. */
export function failedWithoutSession<T>(opened: ReadFailure, api: string): Read<T> {
  return { ...opened, api, failedCall: opened.failedCall ?? opened.api };
}

/**
 * The root user's access keys: ListAccessKeys without UserName in the root session, every page. Without UserName
 * "the user name is determined implicitly based on the AWS access key ID used to sign the request"
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_ListAccessKeys.html, which also says temporary keys
 * need UserName); a root session is the documented exception: "You can omit the user name ... in the request to
 * default to the member account" (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html,
 * deleting root user credentials with the AWS CLI). Root has at most two keys; pages are followed all the same.
 */
export function listRootKeys(ctx: CollectContext, session: RootSession): Promise<Read<RootAccessKey[]>> {
  const api = "iam:ListAccessKeys";
  return readSource(ctx, rootLocation(ctx, session, api), async () => {
    const keys: RootAccessKey[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 100; page++) {
      const out = await callAws(api, ctx.policy, (abortSignal) => session.iam.send(new ListAccessKeysCommand(marker === undefined ? {} : { Marker: marker }), { abortSignal }));
      for (const k of out.AccessKeyMetadata ?? []) {
        if (k.AccessKeyId === undefined) throw new MalformedResponseError(api, "a key without AccessKeyId");
        keys.push({ accessKeyId: k.AccessKeyId, status: k.Status ?? "unknown", createDate: k.CreateDate?.toISOString() ?? null });
      }
      if (out.IsTruncated !== true) return keys;
      if (out.Marker === undefined) throw new MalformedResponseError(api, "IsTruncated without Marker");
      marker = out.Marker;
    }
    throw new MalformedResponseError(api, "more than 100 pages");
  });
}

/**
 * When a root key was last used: GetAccessKeyLastUsed is in both root-task policies' allowed actions (policy
 * documents: zoph-io/MAMIP policies/IAMAuditRootUserCredentials and IAMDeleteRootUserCredentials), so the dry
 * run reads it per key instead of guessing from the credential report's slots (which carry no key ids).
 * ServiceName / Region "N/A" and no LastUsedDate mean never used
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_AccessKeyLastUsed.html).
 */
export function readKeyLastUsed(ctx: CollectContext, session: RootSession, accessKeyId: string): Promise<Read<KeyLastUsed>> {
  const api = "iam:GetAccessKeyLastUsed";
  return readSource(ctx, rootLocation(ctx, session, api), async () => {
    const out = await callAws(api, ctx.policy, (abortSignal) => session.iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }), { abortSignal }));
    const used = out.AccessKeyLastUsed;
    const text = (v: string | undefined): string | null => (v === undefined || v === "N/A" ? null : v);
    return { date: used?.LastUsedDate?.toISOString() ?? null, service: text(used?.ServiceName), region: text(used?.Region) };
  });
}

/**
 * DeleteAccessKey without UserName in the root session: deletes the root user's key (the task policy allows it
 * on `arn:aws:iam::*:root` only). NoSuchEntity means the key is already gone (a retried request that had
 * succeeded, or someone else deleted it): recorded as such, and the re-check proves the state either way.
 */
export async function deleteRootKey(ctx: CollectContext, session: RootSession, key: RootAccessKey): Promise<DeletionAttempt> {
  const api = "iam:DeleteAccessKey";
  const requestedAt = ctx.clock().toISOString();
  try {
    await callAws(api, ctx.policy, (abortSignal) => session.iam.send(new DeleteAccessKeyCommand({ AccessKeyId: key.accessKeyId }), { abortSignal }));
    return { accessKeyId: key.accessKeyId, statusBefore: key.status, requestedAt, completedAt: ctx.clock().toISOString(), result: "deleted", error: null };
  } catch (err) {
    const c = classifyAwsError(err);
    const completedAt = ctx.clock().toISOString();
    if (c.kind === "not-found") return { accessKeyId: key.accessKeyId, statusBefore: key.status, requestedAt, completedAt, result: "already-gone", error: null };
    const message = err instanceof AwsCallError ? err.message : `${api}: ${c.message}`;
    return { accessKeyId: key.accessKeyId, statusBefore: key.status, requestedAt, completedAt, result: "failed", error: { code: c.code, message } };
  }
}
