/**
 * The steps of the `guardrails-promote` state machine (DESIGN.md section 10). `guardrails promote --wait` as
 * the CLI runs it (gates/check.ts runCheck), cut into bounded steps with the waiting done by Step Functions
 * `Wait` states instead of sleeps:
 *   check      one evaluation (runCheck without waitMs), then what runCheck would do next: stop (PASS, a FAIL
 *              backed by live data, a status waiting cannot fix, a cause time cannot fix seen twice in a row,
 *              or no time left) or wait `waitSeconds` (the CLI's backoff) and check again;
 *   reevaluate after the first check only, start the Config evaluation of IAM_ROOT_ACCESS_KEY_CHECK;
 *   promote    promoteAccount itself: check, then mark (PASS) or unmark, the ready tag last, the bundle stored
 *              in the evidence bucket before the tag names it.
 * The loop's state (attempt, causes seen) travels in the execution's JSON, not in the function.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Deadline } from "../aws/call";
import { reevaluateRootKeyRules } from "../aws/config-rules";
import { clientFactoryFor, failBackedByLiveData, reasonToStopWaiting, runCheck } from "../check";
import { parseDuration } from "../duration";
import { ACCOUNT_ID_PATTERN, DEFAULTS, GateUsageError, OU_ID_PATTERN, type PromoteAccountOptions } from "../options";
import { promoteAccount } from "../promote";
import type { AccountVerdict, ExitCodeValue } from "../types";
import { exitCodeFor } from "../verdict";
import { InvalidInputError, RETURN_MARGIN_MS, type InvocationContext, type ServiceSettings, type ServiceTuning } from "./settings";
import { ServiceStorage } from "./storage";

/** The state machine's input: `{accountId, moveToOu?, wait?}` (wait: `90s`, `15m`, `1h` or seconds). */
export interface PromoteRequest {
  accountId: string;
  moveToOuId?: string;
  waitSeconds: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Validates the execution input; InvalidInputError names every problem (nothing is sent). */
export function parsePromoteRequest(raw: unknown, settings: ServiceSettings): PromoteRequest {
  if (!isRecord(raw)) throw new InvalidInputError(`the input must be a JSON object {"accountId", "moveToOu"?, "wait"?}, got ${JSON.stringify(raw)}`);
  const problems: string[] = [];
  for (const key of Object.keys(raw)) if (!["accountId", "moveToOu", "wait"].includes(key)) problems.push(`unknown field ${JSON.stringify(key)} (allowed: accountId, moveToOu, wait)`);
  const { accountId, moveToOu, wait } = raw;
  if (typeof accountId !== "string" || !ACCOUNT_ID_PATTERN.test(accountId)) problems.push(`accountId ${JSON.stringify(accountId)} is not a 12-digit AWS account id (a string: JSON numbers lose leading zeros)`);
  if (moveToOu !== undefined && moveToOu !== null) {
    if (typeof moveToOu !== "string" || !OU_ID_PATTERN.test(moveToOu)) problems.push(`moveToOu ${JSON.stringify(moveToOu)} is not an OU id like ou-ab12-cdef3456`);
    // The service's role may move accounts into the production OU only (modules/gate-service); say so before trying.
    else if (moveToOu !== settings.productionOuId) problems.push(`moveToOu ${moveToOu} is not the production OU ${settings.productionOuId}, the only OU the gate may move accounts into`);
  }
  let waitSeconds = 0;
  if (wait !== undefined && wait !== null) {
    const ms = typeof wait === "number" ? (Number.isInteger(wait) && wait >= 0 ? wait * 1000 : null) : typeof wait === "string" ? parseDuration(wait) : null;
    if (ms === null) problems.push(`wait ${JSON.stringify(wait)} is not a duration (90s, 15m, 1h or whole seconds)`);
    else if (ms > settings.maxWaitSeconds * 1000) problems.push(`wait ${JSON.stringify(wait)} is longer than the service's limit of ${settings.maxWaitSeconds} s (gateService.promote.maxWaitHours)`);
    else waitSeconds = Math.ceil(ms / 1000);
  }
  if (problems.length > 0) throw new InvalidInputError(problems.join("; "));
  const request: PromoteRequest = { accountId: accountId as string, waitSeconds };
  if (typeof moveToOu === "string") request.moveToOuId = moveToOu;
  return request;
}

/** What the check step hands to the next one (kept small: it lives in the execution's state). */
export interface CheckLoop {
  attempt: number;
  /** Causes waiting cannot fix seen on the last attempt (runCheck's `persistent`). */
  persistent: string[];
}

export interface CheckStepResult extends CheckLoop {
  verdict: AccountVerdict["verdict"];
  /** "promote": stop checking (see `why`); "reevaluate" then "wait": check again after `waitSeconds`. */
  next: "promote" | "reevaluate" | "wait";
  waitSeconds: number;
  why: string;
  reasons: string[];
}

function parseLoop(raw: unknown): CheckLoop {
  if (raw === undefined || raw === null) return { attempt: 0, persistent: [] };
  if (!isRecord(raw) || !Number.isInteger(raw["attempt"]) || !Array.isArray(raw["persistent"]) || !raw["persistent"].every((p) => typeof p === "string")) {
    throw new InvalidInputError(`loop ${JSON.stringify(raw)} is not {attempt, persistent[]} as the check step returns it`);
  }
  return { attempt: raw["attempt"] as number, persistent: raw["persistent"] as string[] };
}

function parseStartedAt(raw: unknown, now: Date): number {
  if (raw === undefined || raw === null) return now.getTime();
  const t = typeof raw === "string" ? Date.parse(raw) : NaN;
  if (Number.isNaN(t)) throw new InvalidInputError(`startedAt ${JSON.stringify(raw)} is not an ISO 8601 time ($$.Execution.StartTime)`);
  return t;
}

export class PromoteSteps {
  constructor(
    private readonly settings: ServiceSettings,
    private readonly tuning: ServiceTuning = {},
  ) {}

  private now(): Date {
    return (this.tuning.clock ?? ((): Date => new Date()))();
  }

  /** The CLI's per-account options from the service settings (no evidence, no wait: the state machine waits). */
  options(accountId: string, context: InvocationContext): PromoteAccountOptions {
    const s = this.settings;
    const o: PromoteAccountOptions = {
      accountId,
      homeRegion: s.homeRegion,
      securityHubAccountId: s.securityHubAccountId,
      managementAccountId: s.managementAccountId,
      partition: s.partition,
      roleName: s.roleName,
      require: s.require,
      maxAccessKeyAgeDays: s.maxAccessKeyAgeDays,
      acceptNoRootCredentials: s.acceptNoRootCredentials,
      ownerTagKey: s.ownerTagKey,
      tagKey: s.tagKey,
      // A check ends within the function's own time, whatever the configured per-account deadline.
      timeoutMs: Math.max(1000, Math.min(s.timeoutMs, context.getRemainingTimeInMillis() - RETURN_MARGIN_MS)),
      callTimeoutMs: s.callTimeoutMs,
    };
    if (s.endpointUrl !== undefined) o.endpointUrl = s.endpointUrl;
    if (this.tuning.retry !== undefined) o.retry = this.tuning.retry;
    if (this.tuning.reportPoll !== undefined) o.reportPoll = this.tuning.reportPoll;
    if (this.tuning.clock !== undefined) o.clock = this.tuning.clock;
    return o;
  }

  /** One evaluation and what to do next. Never throws for AWS trouble (that is INCONCLUSIVE). */
  async check(event: { request?: unknown; loop?: unknown; startedAt?: unknown }, context: InvocationContext): Promise<CheckStepResult> {
    const request = parsePromoteRequest(event.request, this.settings);
    const loop = parseLoop(event.loop);
    const startedAt = parseStartedAt(event.startedAt, this.now());
    const opts = this.options(request.accountId, context);
    const aws = clientFactoryFor(opts);
    let outcome;
    try {
      outcome = await runCheck(opts, aws);
    } catch (err) {
      if (err instanceof GateUsageError) throw new InvalidInputError(err.message);
      throw err;
    } finally {
      aws.destroy();
    }
    const attempt = loop.attempt + 1;
    const v = outcome.verdict;
    const result = (next: CheckStepResult["next"], why: string, waitSeconds = 0, persistent: string[] = []): CheckStepResult => ({
      attempt,
      persistent,
      verdict: v.verdict,
      next,
      waitSeconds,
      why,
      reasons: v.controls.filter((c) => c.required).flatMap((c) => c.reasons).slice(0, 5),
    });
    if (v.verdict === "PASS") return result("promote", "PASS");
    if (failBackedByLiveData(outcome)) return result("promote", "FAIL backed by live data: waiting cannot change it");
    if (outcome.decisions.accountStatus.final) return result("promote", "the account's status is one waiting cannot change");
    if (request.waitSeconds === 0) return result("promote", "no wait asked");
    const stop = reasonToStopWaiting(outcome, new Set(loop.persistent));
    if (stop.stop !== null) return result("promote", `stopped waiting: ${stop.stop}`);
    // The CLI's backoff between attempts (gates/check.ts): base doubling up to max, never past the deadline.
    const { baseSeconds, maxSeconds } = this.settings.waitBackoff;
    const delaySeconds = Math.min(maxSeconds, baseSeconds * 2 ** (attempt - 1));
    const deadline = startedAt + request.waitSeconds * 1000;
    if (this.now().getTime() + delaySeconds * 1000 >= deadline) return result("promote", `waited ${request.waitSeconds} s: the wait is over`);
    return result(attempt === 1 ? "reevaluate" : "wait", `${v.verdict}: checking again in ${delaySeconds} s`, delaySeconds, [...stop.persistent]);
  }

  /** Starts the Config evaluation of the root-key rule (once, after the first check). Never throws for AWS trouble. */
  async reevaluate(event: { request?: unknown }, context: InvocationContext): Promise<{ rules: string[]; error: string | null }> {
    const request = parsePromoteRequest(event.request, this.settings);
    const opts = this.options(request.accountId, context);
    const aws = clientFactoryFor(opts);
    try {
      const policy = { deadline: new Deadline(opts.timeoutMs ?? DEFAULTS.timeoutMs), callTimeoutMs: opts.callTimeoutMs ?? DEFAULTS.callTimeoutMs, retry: { ...DEFAULTS.retry, ...opts.retry } };
      return { rules: await reevaluateRootKeyRules(aws, policy, request.accountId), error: null };
    } catch (err) {
      // As `--wait` does: a re-evaluation that cannot start only means waiting for the periodic one.
      return { rules: [], error: err instanceof Error ? err.message : String(err) };
    } finally {
      aws.destroy();
    }
  }

  /** promoteAccount with the bundle stored in the evidence bucket; `productionReady` decides the execution's end. */
  async promote(event: { request?: unknown }, context: InvocationContext): Promise<PromoteStepResult> {
    const request = parsePromoteRequest(event.request, this.settings);
    const opts = this.options(request.accountId, context);
    if (request.moveToOuId !== undefined) opts.moveToOuId = request.moveToOuId;
    const storage = new ServiceStorage(this.settings, this.tuning);
    const dir = await mkdtemp(join(tmpdir(), "guardrails-promote-"));
    try {
      opts.evidenceDir = dir;
      opts.evidenceStore = storage.evidenceStore(storage.evidenceTarget("promote", request.accountId));
      let promoted;
      try {
        promoted = await promoteAccount(opts);
      } catch (err) {
        if (err instanceof GateUsageError) throw new InvalidInputError(err.message);
        throw err;
      }
      const { verdict, markingFailed } = promoted;
      const exitCode: ExitCodeValue = markingFailed ? 3 : exitCodeFor(verdict.verdict);
      const productionReady = verdict.productionReady && !markingFailed;
      // The first reason says why the verdict is what it is; a failed marking appends its own reasons last.
      const reasons = verdict.controls.filter((c) => c.required).flatMap((c) => c.reasons);
      const why = (markingFailed ? reasons.at(-1) : reasons[0]) ?? "";
      const cause = productionReady ? "" : `${request.accountId} is not production-ready (${verdict.verdict}${markingFailed ? ", not promoted" : ""}): ${why}`.slice(0, 4000);
      return { productionReady, exitCode, verdict, cause };
    } finally {
      storage.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

export interface PromoteStepResult {
  productionReady: boolean;
  exitCode: ExitCodeValue;
  /** The promote JSON of DESIGN.md section 4: the execution's output on success. */
  verdict: AccountVerdict;
  /** The Fail state's Cause when not production-ready. */
  cause: string;
}
