/**
 * The three IAM.4 sources (DESIGN.md section 5): A GetAccountSummary, B the credential report,
 * C Security Hub findings. Each returns Read<T> and never throws; checkAccount runs them concurrently.
 */
import {
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  ListOrganizationsFeaturesCommand,
} from "@aws-sdk/client-iam";
import { DescribeHubCommand } from "@aws-sdk/client-securityhub";
import { callAws, sleep } from "../aws/call";
import { AwsCallError } from "../aws/errors";
import type { AccountSummaryEvidence, RawCredentialReport, Read, SecurityHubStatus } from "../types";
import { MalformedResponseError, readSource, type CollectContext } from "./context";

/** A credential report older than this is regenerated (DESIGN.md section 5: generated ≤ 4 h ago). */
export const CREDENTIAL_REPORT_MAX_AGE_MS = 4 * 3600 * 1000;

export function readAccountSummary(ctx: CollectContext): Promise<Read<AccountSummaryEvidence>> {
  const api = "iam:GetAccountSummary";
  return readSource(ctx, { accountId: ctx.accountId, region: ctx.homeRegion, api, principal: ctx.aws.roleArn(ctx.accountId) }, async () => {
    const { iam } = await ctx.aws.inAccount(ctx.accountId, ctx.policy);
    const out = await callAws(api, ctx.policy, (abortSignal) => iam.send(new GetAccountSummaryCommand({}), { abortSignal }));
    if (out.SummaryMap === undefined) throw new MalformedResponseError(api, "no SummaryMap");
    const present = out.SummaryMap["AccountAccessKeysPresent"];
    // Missing means unknown, never 0.
    return { accountAccessKeysPresent: typeof present === "number" && Number.isFinite(present) ? present : null };
  });
}

const NEEDS_GENERATION = new Set(["CredentialReportNotPresentException", "ReportNotPresent", "CredentialReportExpiredException", "ReportExpired"]);
const IN_PROGRESS = new Set(["CredentialReportNotReadyException", "ReportInProgress"]);

function errorName(err: unknown): string {
  if (typeof err !== "object" || err === null) return "";
  const e = err as { name?: unknown; Code?: unknown };
  return typeof e.Code === "string" ? e.Code : typeof e.name === "string" ? e.name : "";
}

/**
 * Source B. A report generated within 4 h is used as is; otherwise (absent, expired, stale) it is
 * generated and polled with backoff until COMPLETE or the account deadline.
 */
export function readCredentialReport(ctx: CollectContext): Promise<Read<RawCredentialReport>> {
  const api = "iam:GetCredentialReport";
  return readSource(ctx, { accountId: ctx.accountId, region: ctx.homeRegion, api, principal: ctx.aws.roleArn(ctx.accountId) }, async () => {
    const { iam } = await ctx.aws.inAccount(ctx.accountId, ctx.policy);
    // GetCredentialReport's modelled "not there / not ready" errors are states, not failures.
    const get = async (): Promise<RawCredentialReport | "generate" | "in-progress"> => {
      try {
        const out = await callAws(api, ctx.policy, (abortSignal) => iam.send(new GetCredentialReportCommand({}), { abortSignal }));
        if (out.Content === undefined) throw new MalformedResponseError(api, "no Content");
        const content = new TextDecoder("utf-8", { fatal: true }).decode(out.Content);
        return { content, generatedTime: out.GeneratedTime?.toISOString() ?? null };
      } catch (err) {
        const cause = err instanceof AwsCallError ? err.code : errorName(err);
        if (NEEDS_GENERATION.has(cause)) return "generate";
        if (IN_PROGRESS.has(cause)) return "in-progress";
        throw err;
      }
    };
    const generate = async (): Promise<string> => {
      const out = await callAws("iam:GenerateCredentialReport", ctx.policy, (abortSignal) =>
        iam.send(new GenerateCredentialReportCommand({}), { abortSignal }),
      );
      return out.State ?? "";
    };

    let got = await get();
    if (typeof got === "object" && isFresh(got, ctx.clock())) return got;
    let state = got === "in-progress" ? "STARTED" : await generate();
    for (let n = 0; ; n++) {
      if (state === "COMPLETE") {
        got = await get();
        // IAM answers COMPLETE without generating while its last report is under 4 h old (by its clock):
        // the decision must know this run asked, to say when a fresh report can be had.
        if (typeof got === "object") return { ...got, generationRequested: true };
        if (got === "generate") throw new MalformedResponseError(api, "report reported COMPLETE but not present");
      }
      const delay = Math.min(ctx.reportPoll.maxDelayMs, ctx.reportPoll.baseDelayMs * 2 ** n);
      if (delay >= ctx.policy.deadline.remainingMs()) {
        throw new AwsCallError("timeout", "ReportInProgress", `${api}: the credential report was still being generated when the account deadline passed`);
      }
      await sleep(delay);
      state = await generate();
    }
  });
}

function isFresh(report: RawCredentialReport, now: Date): boolean {
  if (report.generatedTime === null) return false;
  const age = now.getTime() - Date.parse(report.generatedTime);
  return Number.isFinite(age) && age <= CREDENTIAL_REPORT_MAX_AGE_MS;
}

/**
 * Is Security Hub enabled in the TARGET account's home region? DescribeHub through the gate role
 * (securityhub:DescribeHub, granted by the modules' read-only policy). "Not subscribed" answers
 * InvalidAccessException, HTTP 401 ("Either Security Hub is not enabled for the account, or the
 * account does not have permission…"; an IAM deny is AccessDeniedException, 403):
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_DescribeHub.html. That answer is
 * evidence (enabled: false), not a failed read.
 */
export function readTargetSecurityHub(ctx: CollectContext): Promise<Read<SecurityHubStatus>> {
  const api = "securityhub:DescribeHub";
  return readSource(ctx, { accountId: ctx.accountId, region: ctx.homeRegion, api, principal: ctx.aws.roleArn(ctx.accountId) }, async (): Promise<SecurityHubStatus> => {
    const { securityHub } = await ctx.aws.inAccount(ctx.accountId, ctx.policy);
    try {
      const out = await callAws(api, ctx.policy, (abortSignal) => securityHub.send(new DescribeHubCommand({}), { abortSignal }));
      if (out.HubArn === undefined) throw new MalformedResponseError(api, "no HubArn");
      return { enabled: true, subscribedAt: out.SubscribedAt ?? null, controlFindingGenerator: out.ControlFindingGenerator ?? null, notEnabledBecause: null };
    } catch (err) {
      if (err instanceof AwsCallError && err.kind === "not-enabled") {
        const because = err.message.replace(/^securityhub:DescribeHub: service not enabled: /, "");
        return { enabled: false, subscribedAt: null, controlFindingGenerator: null, notEnabledBecause: because };
      }
      throw err;
    }
  });
}

/**
 * IAM ListOrganizationsFeatures with the gate's own credentials (management account): is
 * centralized root credentials management enabled? Read only with --accept-no-root-credentials.
 */
export function readRootCredentialsManagement(ctx: CollectContext, managementAccountId: string | null): Promise<Read<boolean>> {
  const api = "iam:ListOrganizationsFeatures";
  return readSource(ctx, { accountId: managementAccountId ?? "management", region: ctx.homeRegion, api }, async () => {
    const iam = ctx.aws.managementIam();
    const out = await callAws(api, ctx.policy, (abortSignal) => iam.send(new ListOrganizationsFeaturesCommand({}), { abortSignal }));
    if (out.EnabledFeatures === undefined) throw new MalformedResponseError(api, "no EnabledFeatures");
    return out.EnabledFeatures.includes("RootCredentialsManagement");
  });
}
