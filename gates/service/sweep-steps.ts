/**
 * The steps of the `guardrails-sweep` state machine (DESIGN.md sections 9 and 10): `guardrails sweep` cut
 * where a Distributed Map can fan it out.
 *
 *   listAccounts    lists the accounts in scope (gates/sweep/organization.ts) and, at the same time, reads the
 *                   organization's IAM.4 / IAM.3 findings ONCE (gates/collect/findings-bulk.ts), as the CLI's
 *                   sweep does. It writes to the work bucket the account list the map reads (a JSON array,
 *                   sorted by account id), the findings cut into shards of `batchSize` consecutive accounts
 *                   (each item names its shard) and the listing's record (skipped accounts, errors).
 *   checkBatch      one ItemBatcher batch: the CLI's sweep engine (gates/sweep/index.ts sweepOrganization) over
 *                   the batch's accounts, each check taking its findings from the shard instead of reading
 *                   them (so GetFindings requests follow the organization's findings, ~ceil(F/100) per query,
 *                   once per sweep, never per batch: against GetFindings' 3 requests per second in the
 *                   aggregating account, reading per batch would cost ~200 organization-wide reads at
 *                   10,000 accounts, and per account 30,000 requests). An account the organization-wide read
 *                   could not prove covered reads its own three queries (the CLI's fallback). Each bundle is
 *                   stored in the evidence bucket as it is written; the batch's entries go to the work bucket.
 *   writeSweepIndex reads every batch's entries back and streams the index (IndexStream, so `guardrails
 *                   verify` accepts it) into the evidence bucket, next to the bundles. An account the map left
 *                   without a stored bundle gets an INCONCLUSIVE bundle saying so: never a silent gap.
 * Each step is bounded by the function's remaining time: checks still running when it is nearly up are
 * reported INCONCLUSIVE ("not checked: interrupted") with their bundles, never left out.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { Deadline, callAws, type CallPolicy } from "../aws/call";
import { gateSessionName, type AwsClientFactory } from "../aws/clients";
import { clientFactoryFor, runCheck, type CheckOutcome } from "../check";
import type { CollectContext } from "../collect/context";
import { readControlFindings, type ControlFindings } from "../collect/findings";
import { OrganizationFindings } from "../collect/findings-bulk";
import { readRootCredentialsManagement } from "../collect/iam4";
import { buildBundle, writeBundle } from "../evidence/bundle";
import { IndexStream } from "../evidence/index-file";
import { writeEvidence } from "../evidence-io";
import { DEFAULTS, type CheckAccountOptions, type EvidenceStore } from "../options";
import { removeReadyTagSet } from "../ready-tag";
import { AdaptiveRateLimiter, sweepOrganization } from "../sweep/index";
import { listOrganizationAccounts, type OrgAccount, type OrgCall } from "../sweep/organization";
import { runPool } from "../sweep/scheduler";
import { RevokeError, notCheckedVerdict } from "../sweep/verdicts";
import type { AccountVerdict, Marked, Read, SkippedAccountResult, SweepError, Verdict } from "../types";
import { worstVerdict } from "../verdict";
import { PromoteSteps } from "./promote-steps";
import { parseBatch, parseIndexRequest, parseListRequest, parseListingRecord, parseSweepItems, type BatchEntry, type BatchResult, type FindingsShard, type ListingRecord, type SweepItem } from "./sweep-input";
import { RETURN_MARGIN_MS, type InvocationContext, type ServiceSettings, type ServiceTuning } from "./settings";
import { ServiceStorage } from "./storage";

/** Work-bucket keys of one run (the execution's name). */
export const workKeys = {
  items: (runId: string): string => `runs/${runId}/accounts.json`,
  listing: (runId: string): string => `runs/${runId}/listing.json`,
  shard: (runId: string, shard: number): string => `runs/${runId}/findings/${shard}.json`,
  results: (runId: string): string => `runs/${runId}/results/`,
  result: (runId: string, firstAccountId: string): string => `runs/${runId}/results/${firstAccountId}.json`,
};

/** What the map and the index step need from the listing step (small: it travels in the execution's state). */
export interface ListStepResult {
  runId: string;
  revoke: boolean;
  itemsKey: string;
  accounts: number;
  skipped: number;
  errors: number;
}

export interface BatchStepResult {
  accounts: number;
  pass: number;
  fail: number;
  inconclusive: number;
  resultKey: string;
}

export interface IndexStepResult {
  index: { location: string; sha256: string };
  summary: { accounts: number; pass: number; fail: number; inconclusive: number; skipped: number; verdict: Verdict; errors: number };
  /** The Fail state's Cause when the organization is not all PASS. */
  cause: string;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class SweepSteps {
  private readonly promote: PromoteSteps;
  /**
   * The CLI sweep's adaptive limiter (gates/sweep/run.ts), one per execution environment: without it the
   * organization-wide findings read sends its three queries unpaced into GetFindings' 3 requests per second
   * (Security Hub API Reference, Welcome: "RateLimit of 3 requests per second. BurstLimit of 6"), gives up on a
   * page after the retries, and every account past it reads its own findings from every batch at once
   * (measured by bench/service.bench.ts: 577 of 1,000 accounts, 61% INCONCLUSIVE, before this limiter).
   */
  private readonly limiter: AdaptiveRateLimiter;

  constructor(
    private readonly settings: ServiceSettings,
    private readonly tuning: ServiceTuning = {},
  ) {
    this.promote = new PromoteSteps(settings, tuning);
    this.limiter = new AdaptiveRateLimiter(tuning.limiter);
  }

  private clock(): () => Date {
    return this.tuning.clock ?? ((): Date => new Date());
  }

  private policy(budgetMs: number, signal?: AbortSignal): CallPolicy {
    const p: CallPolicy = { deadline: new Deadline(budgetMs), callTimeoutMs: this.settings.callTimeoutMs, retry: { ...DEFAULTS.retry, ...this.tuning.retry }, limiter: this.limiter };
    if (signal !== undefined) p.signal = signal;
    return p;
  }

  /** Time the step may spend before it must store its result and return. */
  private budget(context: InvocationContext): number {
    return Math.max(1000, context.getRemainingTimeInMillis() - RETURN_MARGIN_MS);
  }

  async listAccounts(event: unknown, context: InvocationContext): Promise<ListStepResult> {
    const request = parseListRequest(event);
    const s = this.settings;
    const budget = this.budget(context);
    const clock = this.clock();
    const storage = new ServiceStorage(s, this.tuning);
    const management = clientFactoryFor(this.promote.options(s.managementAccountId, context));
    try {
      const findings = new OrganizationFindings({ aws: management, policy: this.policy(budget), securityHubAccountId: s.securityHubAccountId, homeRegion: s.homeRegion, partition: s.partition, clock });
      const findingsRead = findings.start();
      const call: OrgCall = (api, send) => callAws(api, this.policy(Math.min(s.timeoutMs, budget)), send);
      const where = { accountId: s.managementAccountId, region: s.homeRegion, clock };
      const listed: OrgAccount[] = [];
      const skipped: { accountId: string; status: string }[] = [];
      const errors: SweepError[] = [];
      try {
        await listOrganizationAccounts(management.organizations(), call, request.ouIds, where, (page) => {
          listed.push(...page.accounts);
          skipped.push(...page.skipped.map((a) => ({ accountId: a.id, status: a.status })));
        });
      } catch (err) {
        // Never an empty success: the accounts listed so far are checked, and the index says the listing is incomplete.
        errors.push({ kind: "list-accounts", accountId: null, reason: `could not list the organization's accounts: ${errorText(err)}` });
      }
      const rootCredentialsManagement: Read<boolean> | null = s.acceptNoRootCredentials
        ? await readRootCredentialsManagement(this.collectContext(management, budget, s.managementAccountId), s.managementAccountId)
        : null;
      await findingsRead;

      listed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const items: SweepItem[] = listed.map((a, i) => ({
        accountId: a.id,
        name: a.name,
        state: a.statusRead?.value.state ?? null,
        status: a.statusRead?.value.status ?? null,
        observedAt: a.statusRead?.observedAt ?? clock().toISOString(),
        shard: Math.floor(i / s.batchSize),
      }));
      // Each account's share of the organization-wide read; null: its own three queries (the bulk read could not prove it covered).
      const ownRead = new Error("needs its own findings read");
      const shards: FindingsShard[] = [];
      for (const item of items) {
        let mine: ControlFindings | null;
        try {
          mine = await findings.takeForAccount(item.accountId, () => Promise.reject(ownRead));
        } catch (err) {
          if (err !== ownRead) throw err;
          mine = null;
        }
        (shards[item.shard] ??= {})[item.accountId] = mine;
      }
      const runId = request.runId;
      await runPool(shards, (shard, i) => storage.putJson(workKeys.shard(runId, i), shard), { concurrency: 8 }).then((outcomes) => {
        const failed = outcomes.find((o) => o.state !== "done");
        if (failed !== undefined) throw failed.state === "threw" ? failed.error : new Error("a findings shard was not stored");
      });
      const record: ListingRecord = {
        runId,
        revoke: request.revoke,
        ouIds: request.ouIds,
        listedAt: clock().toISOString(),
        skipped,
        errors,
        rootCredentialsManagement,
        findings: findings.stats(),
      };
      await storage.putJson(workKeys.listing(runId), record);
      // The map's item list last: once it exists, everything the batches read does.
      await storage.putJson(workKeys.items(runId), items);
      return { runId, revoke: request.revoke, itemsKey: workKeys.items(runId), accounts: items.length, skipped: skipped.length, errors: errors.length };
    } finally {
      management.destroy();
      storage.destroy();
    }
  }

  private collectContext(aws: AwsClientFactory, budgetMs: number, accountId: string): CollectContext {
    const s = this.settings;
    return { aws, policy: this.policy(budgetMs), clock: this.clock(), accountId, homeRegion: s.homeRegion, partition: s.partition, securityHubAccountId: s.securityHubAccountId, reportPoll: this.tuning.reportPoll ?? DEFAULTS.reportPoll };
  }

  async checkBatch(event: unknown, context: InvocationContext): Promise<BatchStepResult> {
    const batch = parseBatch(event);
    const s = this.settings;
    const storage = new ServiceStorage(s, this.tuning);
    const listing = parseListingRecord(await storage.getJson(workKeys.listing(batch.runId)));
    const shards = new Map<number, FindingsShard>();
    for (const shard of new Set(batch.items.map((i) => i.shard))) shards.set(shard, (await storage.getJson(workKeys.shard(batch.runId, shard))) as FindingsShard);

    const management = clientFactoryFor(this.promote.options(s.managementAccountId, context), { maxSockets: Math.max(50, 8 * s.concurrency + 16) });
    const dir = await mkdtemp(join(tmpdir(), "guardrails-batch-"));
    const store = storage.evidenceStore(storage.evidenceTarget("sweeps", batch.runId));
    // Accounts still being checked when the function's time is nearly up are reported INCONCLUSIVE, with bundles.
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), this.budget(context) - RETURN_MARGIN_MS);
    const outcomes = new Map<string, CheckOutcome>();
    const byId = new Map(batch.items.map((i) => [i.accountId, i]));
    try {
      const accounts: OrgAccount[] = batch.items.map((i) => ({
        id: i.accountId,
        name: i.name,
        parentId: null,
        statusRead: { ok: true, value: { state: i.state, status: i.status }, observedAt: i.observedAt, accountId: s.managementAccountId, region: s.homeRegion, api: listing.ouIds.length > 0 ? "organizations:ListAccountsForParent" : "organizations:ListAccounts" },
      }));
      const evidenceOptions = (accountId: string): CheckAccountOptions => ({ ...this.promote.options(accountId, context), evidenceDir: dir, evidenceStore: store });
      const result = await sweepOrganization<void>(
        {
          listAccounts: async (_signal, onPage) => {
            const page = { accounts, skipped: [] };
            onPage(page);
            return page;
          },
          checkAccount: async (account, _prepared, signal) => {
            const aws = management.sibling(gateSessionName(account.id));
            const shared = shards.get(byId.get(account.id)?.shard ?? -1)?.[account.id];
            const reads: NonNullable<CheckAccountOptions["sweepReads"]> = {
              findings: (ctx) => (shared !== undefined && shared !== null ? Promise.resolve(shared) : readControlFindings({ ...ctx, aws: management })),
            };
            if (s.acceptNoRootCredentials && listing.rootCredentialsManagement !== null) reads.rootCredentialsManagement = Promise.resolve(listing.rootCredentialsManagement);
            const o: CheckAccountOptions = { ...this.promote.options(account.id, context), signal, sweepReads: reads, limiter: this.limiter };
            if (account.statusRead !== undefined) o.knownAccountStatus = account.statusRead;
            try {
              const outcome = await runCheck(o, aws);
              outcomes.set(account.id, outcome);
              return outcome.verdict;
            } finally {
              aws.destroy();
            }
          },
          revokeReadyTag: async (accountId, signal): Promise<Marked> => {
            const removal = await removeReadyTagSet(management, this.policy(s.timeoutMs, signal), accountId, s.tagKey);
            if (removal.error !== null) throw new RevokeError(removal.marked, removal.error);
            return removal.marked;
          },
          recordEvidence: async (account, verdict): Promise<AccountVerdict> => {
            const outcome = outcomes.get(account.id);
            outcomes.delete(account.id);
            if (outcome !== undefined) return writeEvidence(evidenceOptions(account.id), outcome, verdict);
            return { ...verdict, evidence: await storeVerdictAlone(dir, store, verdict) };
          },
        },
        { concurrency: s.concurrency, require: s.require, revoke: batch.revoke, tagKey: s.tagKey, accountWatchdogMs: 2 * s.timeoutMs + 5_000, signal: stop.signal, clock: this.clock() },
      );
      const entries: BatchEntry[] = result.accounts.map((v) => ({
        accountId: v.accountId,
        verdict: v.verdict,
        checkedAt: v.checkedAt,
        sha256: v.evidence?.sha256 ?? null,
        file: v.evidence === null ? null : basename(v.evidence.path),
        reason: v.evidence === null ? (v.controls.find((c) => c.required)?.reasons.at(-1) ?? "no bundle was stored") : null,
      }));
      const resultKey = workKeys.result(batch.runId, batch.items[0]!.accountId);
      const record: BatchResult = { runId: batch.runId, entries, errors: result.summary.errors };
      await storage.putJson(resultKey, record);
      return { accounts: entries.length, pass: result.summary.pass, fail: result.summary.fail, inconclusive: result.summary.inconclusive, resultKey };
    } finally {
      clearTimeout(timer);
      management.destroy();
      storage.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  }

  async writeSweepIndex(event: unknown, context: InvocationContext): Promise<IndexStepResult> {
    const request = parseIndexRequest(event);
    const s = this.settings;
    const clock = this.clock();
    const storage = new ServiceStorage(s, this.tuning);
    const management = clientFactoryFor(this.promote.options(s.managementAccountId, context));
    const dir = await mkdtemp(join(tmpdir(), "guardrails-index-"));
    const target = storage.evidenceTarget("sweeps", request.runId);
    const store = storage.evidenceStore(target);
    const index = await IndexStream.open(dir);
    let closed = false;
    try {
      const listing = parseListingRecord(await storage.getJson(workKeys.listing(request.runId)));
      const items = parseSweepItems(await storage.getJson(workKeys.items(request.runId)));
      const errors: SweepError[] = [...listing.errors];
      if (request.mapError !== null) {
        errors.push({ kind: "evidence", accountId: null, reason: `the Distributed Map did not finish (${request.mapError}): accounts without a stored result are INCONCLUSIVE` });
      }
      const entries = new Map<string, BatchEntry>();
      const resultKeys = await storage.listKeys(workKeys.results(request.runId));
      const results = await runPool(resultKeys, (key) => storage.getJson(key), { concurrency: 16 });
      results.forEach((r, i) => {
        if (r.state !== "done") {
          errors.push({ kind: "evidence", accountId: null, reason: `the batch result ${resultKeys[i]} could not be read: ${r.state === "threw" ? errorText(r.error) : r.state}` });
          return;
        }
        const batch = r.value as BatchResult;
        for (const e of batch.entries) entries.set(e.accountId, e);
        errors.push(...batch.errors);
      });

      // Fail closed: an account in scope without a stored bundle is not proven; it gets a bundle saying why.
      const unproven = items.filter((item) => {
        const e = entries.get(item.accountId);
        return e === undefined || e.sha256 === null || e.file === null;
      });
      const stored = await runPool(
        unproven,
        async (item): Promise<BatchEntry> => {
          const e = entries.get(item.accountId);
          const reason = e === undefined ? `no result for ${item.accountId}: its batch did not finish` : `the evidence of ${item.accountId} was not stored: ${e.reason ?? "unknown"}`;
          const verdict = notCheckedVerdict(item.accountId, reason, s.require, clock());
          // Its own name (suffix), never a batch's: when the Map fails, Step Functions aborts the running child
          // executions ("stopped ... by Step Functions because the Map Run failed", API MapRunExecutionCounts), but a
          // Lambda invocation already under way is not cancelled and may still store this account's bundle after
          // this index is written. Named alike (same account, same millisecond) it would replace the one named here.
          const ref = await storeVerdictAlone(dir, store, verdict, NOT_CHECKED_SUFFIX);
          errors.push({ kind: "evidence", accountId: item.accountId, reason });
          return { accountId: item.accountId, verdict: "INCONCLUSIVE", checkedAt: verdict.checkedAt, sha256: ref.sha256, file: basename(ref.path), reason };
        },
        { concurrency: 16 },
      );
      stored.forEach((o, i) => {
        // A bundle that could not be stored either: the index cannot name it, so the sweep cannot be proven at all.
        if (o.state !== "done") throw new Error(`the bundle of ${unproven[i]!.accountId}, not checked, could not be stored: ${o.state === "threw" ? errorText(o.error) : o.state}`);
        entries.set(o.value.accountId, o.value);
      });
      const counts = { PASS: 0, FAIL: 0, INCONCLUSIVE: 0 };
      for (const item of items) {
        const e = entries.get(item.accountId)!;
        counts[e.verdict]++;
        await index.append({ accountId: e.accountId, verdict: e.verdict, checkedAt: e.checkedAt, sha256: e.sha256!, path: e.file! });
      }

      const skipped = await this.settleSkipped(management, listing, request.revoke, errors);
      const written = await index.close(clock().toISOString(), { skipped, errors });
      closed = true;
      const location = await storage.putEvidenceFile(target, written.path);
      const verdict = worstVerdict([...(["PASS", "FAIL", "INCONCLUSIVE"] as const).filter((v) => counts[v] > 0), ...(errors.length > 0 ? (["INCONCLUSIVE"] as const) : [])]);
      const summary = { accounts: items.length, pass: counts.PASS, fail: counts.FAIL, inconclusive: counts.INCONCLUSIVE, skipped: skipped.length, verdict, errors: errors.length };
      const cause =
        verdict === "PASS"
          ? ""
          : `${summary.fail} FAIL and ${summary.inconclusive} INCONCLUSIVE of ${summary.accounts} accounts, ${summary.errors} error(s)${errors[0] !== undefined ? ` (first: ${errors[0].reason})` : ""}; index ${location}`.slice(0, 4000);
      return { index: { location, sha256: written.sha256 }, summary, cause };
    } finally {
      if (!closed) await index.discard();
      management.destroy();
      storage.destroy();
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Skipped (not ACTIVE) accounts; with revoke their ready tag is removed too, as `sweep --revoke` does. */
  private async settleSkipped(management: AwsClientFactory, listing: ListingRecord, revoke: boolean, errors: SweepError[]): Promise<SkippedAccountResult[]> {
    const s = this.settings;
    const base = (a: { accountId: string; status: string }): SkippedAccountResult => ({ accountId: a.accountId, status: a.status, marked: null, reasons: [] });
    if (!revoke) return listing.skipped.map(base);
    const outcomes = await runPool(listing.skipped, async (a) => ({ a, removal: await removeReadyTagSet(management, this.policy(s.timeoutMs), a.accountId, s.tagKey) }), { concurrency: s.concurrency });
    return outcomes.map((o, i) => {
      const a = listing.skipped[i]!;
      if (o.state === "done" && o.value.removal.error === null) return { ...base(a), marked: o.value.removal.marked };
      const why = o.state === "done" ? (o.value.removal.error ?? "") : o.state === "threw" ? errorText(o.error) : o.state;
      const reason = `--revoke could not remove the ${s.tagKey} tag: ${why}; remove it by hand or rerun`;
      errors.push({ kind: "revoke", accountId: a.accountId, reason });
      return { ...base(a), marked: o.state === "done" ? o.value.removal.marked : null, reasons: [reason] };
    });
  }
}

/** File-name suffix of the bundles the index step writes for accounts whose batch did not report. */
const NOT_CHECKED_SUFFIX = "-not-checked";

/** A bundle of the verdict alone (an account not checked), stored; returns its reference. */
async function storeVerdictAlone(dir: string, store: EvidenceStore, verdict: AccountVerdict, suffix = ""): Promise<{ path: string; sha256: string }> {
  const written = await writeBundle(dir, buildBundle({ verdict, config: null }), suffix);
  return { path: await store.store(written), sha256: written.sha256 };
}
