/**
 * checkAccount: validate -> collect every source concurrently -> decide each control (pure
 * functions) -> worst verdict over the REQUIRED controls -> evidence bundle -> AccountVerdict.
 *
 * IAM.3 is always evaluated and listed (required=false unless `require` includes it) so an auditor
 * sees it; only required controls decide the verdict and exit code.
 */
import { CONTROL_IAM3, CONTROL_IAM4, type ControlId } from "../modules/constants";
import { Deadline, sleep, type CallPolicy } from "./aws/call";
import { AwsClientFactory, gateSessionName, type AwsSettings } from "./aws/clients";
import { reevaluateRootKeyRules } from "./aws/config-rules";
import { collectAccountEvidence, type AccountEvidence } from "./collect/account";
import { readAccountStatus } from "./collect/account-status";
import type { CollectContext } from "./collect/context";
import { applyAccountStatus, decideAccountStatus, type AccountStatusDecision } from "./decide/account-status";
import { decideIam3 } from "./decide/iam3";
import { decideIam4 } from "./decide/iam4";
import { waitAdvice } from "./decide/wait";
import { writeEvidence } from "./evidence-io";
import { DEFAULTS, validateCheckOptions, type CheckAccountOptions } from "./options";
import type { AccountVerdict, ControlDecision, ControlResult } from "./types";
import { worstVerdict } from "./verdict";

/** One evaluated check: the verdict plus what it was decided on (for --wait and the bundle). */
export interface CheckOutcome {
  verdict: AccountVerdict;
  evidence: AccountEvidence;
  decisions: { iam4: ControlDecision; iam3: ReturnType<typeof decideIam3>; accountStatus: AccountStatusDecision };
}

function policyFor(opts: CheckAccountOptions, budgetMs: number): CallPolicy {
  const policy: CallPolicy = {
    deadline: new Deadline(budgetMs),
    callTimeoutMs: opts.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
    retry: { ...DEFAULTS.retry, ...opts.retry },
  };
  if (opts.limiter !== undefined) {
    policy.limiter = opts.limiter;
    // The account's own APIs (IAM, DescribeHub) spend its own quota, not one shared with other accounts.
    policy.limiterScope = opts.accountId;
  }
  if (opts.signal !== undefined) policy.signal = opts.signal;
  return policy;
}

export function clientFactoryFor(opts: CheckAccountOptions, extra: Pick<AwsSettings, "maxSockets"> = {}): AwsClientFactory {
  const settings: AwsSettings = {
    ...extra,
    region: opts.homeRegion,
    partition: opts.partition ?? DEFAULTS.partition,
    callTimeoutMs: opts.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
    roleName: opts.roleName ?? DEFAULTS.roleName,
    sessionName: gateSessionName(opts.accountId),
  };
  return new AwsClientFactory(opts.endpointUrl === undefined ? settings : { ...settings, endpointUrl: opts.endpointUrl });
}

function asResult(d: ControlDecision, required: readonly ControlId[]): ControlResult {
  return { id: d.id, verdict: d.verdict, required: required.includes(d.id), reasons: d.reasons, sources: d.sources };
}

/** One pass: collect and decide. Never throws for AWS trouble (that is INCONCLUSIVE). */
export async function evaluateOnce(opts: CheckAccountOptions, aws: AwsClientFactory, budgetMs: number): Promise<CheckOutcome> {
  const clock = opts.clock ?? (() => new Date());
  // IAM.4 can never be waived: it is required whatever `require` lists (IAM.3 is opt-in).
  const required: ControlId[] = [CONTROL_IAM4, ...(opts.require ?? []).filter((id) => id !== CONTROL_IAM4)];
  const ctx: CollectContext = {
    aws,
    policy: policyFor(opts, budgetMs),
    clock,
    accountId: opts.accountId,
    homeRegion: opts.homeRegion,
    partition: opts.partition ?? DEFAULTS.partition,
    securityHubAccountId: opts.securityHubAccountId,
    reportPoll: opts.reportPoll ?? DEFAULTS.reportPoll,
  };
  // The Organizations status is read alongside the other sources (the sweep hands in its listing's).
  const status = opts.knownAccountStatus !== undefined ? Promise.resolve(opts.knownAccountStatus) : readAccountStatus(ctx, opts.managementAccountId ?? null);
  const evidence = await collectAccountEvidence(ctx, {
    acceptNoRootCredentials: opts.acceptNoRootCredentials ?? false,
    managementAccountId: opts.managementAccountId ?? null,
    maxAccessKeyAgeDays: opts.maxAccessKeyAgeDays ?? DEFAULTS.maxAccessKeyAgeDays,
    exceptions: [...(opts.exceptions ?? [])],
    iam3: {
      ownerTagKey: opts.ownerTagKey === undefined ? DEFAULTS.ownerTagKey : opts.ownerTagKey,
      readLastUsed: opts.readKeyLastUsed === true,
      concurrency: opts.iamConcurrency ?? DEFAULTS.iamConcurrency,
    },
    ...opts.sweepReads,
  });
  const iam4 = decideIam4(evidence.iam4);
  const iam3 = decideIam3(evidence.iam3);
  const accountStatus = decideAccountStatus(opts.accountId, await status);
  const controls = applyAccountStatus([asResult(iam4, required), asResult(iam3, required)], accountStatus);
  const verdict = worstVerdict(controls.filter((c) => c.required).map((c) => c.verdict));
  return {
    evidence,
    decisions: { iam4, iam3, accountStatus },
    verdict: {
      schemaVersion: 1,
      accountId: opts.accountId,
      checkedAt: evidence.iam4.now,
      verdict,
      productionReady: verdict === "PASS",
      controls,
      marked: null,
      evidence: null,
    },
  };
}

/** Waiting cannot make the account ACTIVE: suspended, closing, closed, or not in the organization. */
function statusWaitCannotFix(o: CheckOutcome): boolean {
  return o.decisions.accountStatus.final;
}

/** A FAIL that waiting cannot change: root keys counted live (A > 0), or a required IAM.3 FAIL (live data decides IAM.3). */
export function failBackedByLiveData(o: CheckOutcome): boolean {
  if (o.verdict.verdict !== "FAIL") return false;
  const a = o.evidence.iam4.accountSummary;
  if (a.ok && (a.value.accountAccessKeysPresent ?? 0) > 0) return true;
  const iam3 = o.verdict.controls.find((c) => c.id === CONTROL_IAM3);
  const iam4 = o.verdict.controls.find((c) => c.id === CONTROL_IAM4);
  return iam3?.required === true && iam3.verdict === "FAIL" && iam4?.verdict !== "FAIL";
}

/**
 * Why --wait should stop before its time is up, or null to keep waiting: nothing waiting can fix
 * (no credentials: at once), or a cause time cannot fix seen on this attempt and the previous one
 * (gates/decide/wait.ts says which).
 */
export function reasonToStopWaiting(outcome: CheckOutcome, previous: ReadonlySet<string>): { stop: string | null; persistent: Set<string> } {
  const iam3Required = outcome.verdict.controls.some((c) => c.id === CONTROL_IAM3 && c.required);
  const advice = waitAdvice(outcome.evidence, iam3Required);
  const persistent = new Set(advice.persistent.keys());
  if (advice.stopNow !== null) return { stop: advice.stopNow, persistent };
  const repeated = [...advice.persistent].find(([key]) => previous.has(key));
  return { stop: repeated === undefined ? null : `${repeated[1]} (seen on two attempts in a row)`, persistent };
}

/**
 * Runs the check, and with `waitMs` re-evaluates the root-key Config rule and re-checks with
 * backoff until PASS, a live-data FAIL, a cause waiting cannot fix, or the wait is over. `aws` is
 * shared with promoteAccount.
 */
export async function runCheck(opts: CheckAccountOptions, aws: AwsClientFactory): Promise<CheckOutcome> {
  validateCheckOptions(opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULTS.timeoutMs;
  const progress = opts.onProgress ?? ((): void => undefined);
  if (opts.waitMs === undefined) return evaluateOnce(opts, aws, timeoutMs);

  const waitUntil = Date.now() + opts.waitMs;
  const budget = (): number => Math.max(1, Math.min(timeoutMs, waitUntil - Date.now()));
  let outcome = await evaluateOnce(opts, aws, budget());
  progress(`attempt 1: ${outcome.verdict.verdict}`);
  if (outcome.verdict.verdict === "PASS" || failBackedByLiveData(outcome) || statusWaitCannotFix(outcome)) return outcome;
  let stop = reasonToStopWaiting(outcome, new Set());
  if (stop.stop !== null) {
    progress(`stopped waiting: ${stop.stop}`);
    return outcome;
  }
  try {
    const rules = await reevaluateRootKeyRules(aws, policyFor(opts, budget()), opts.accountId);
    progress(rules.length > 0 ? `started Config evaluation of ${rules.join(", ")}` : "no IAM_ROOT_ACCESS_KEY_CHECK Config rule found in the account");
  } catch (err) {
    progress(`could not start the Config evaluation: ${err instanceof Error ? err.message : String(err)}`);
  }
  const backoff = opts.waitBackoff ?? DEFAULTS.waitBackoff;
  for (let attempt = 2; ; attempt++) {
    const delay = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** (attempt - 2));
    if (Date.now() + delay >= waitUntil) break;
    progress(`waiting ${Math.round(delay / 1000)} s before attempt ${attempt}`);
    await sleep(delay);
    outcome = await evaluateOnce(opts, aws, budget());
    progress(`attempt ${attempt}: ${outcome.verdict.verdict}`);
    if (outcome.verdict.verdict === "PASS" || failBackedByLiveData(outcome) || statusWaitCannotFix(outcome)) break;
    stop = reasonToStopWaiting(outcome, stop.persistent);
    if (stop.stop !== null) {
      progress(`stopped waiting: ${stop.stop}`);
      break;
    }
  }
  return outcome;
}

/** Read-only verdict for one account (DESIGN.md section 4, `guardrails check`). Throws GateUsageError for bad options. */
export async function checkAccount(opts: CheckAccountOptions): Promise<AccountVerdict> {
  validateCheckOptions(opts);
  const aws = clientFactoryFor(opts);
  try {
    const outcome = await runCheck(opts, aws);
    return await writeEvidence(opts, outcome, outcome.verdict);
  } finally {
    aws.destroy();
  }
}
