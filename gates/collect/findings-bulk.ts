/**
 * A sweep's Security Hub findings (DESIGN.md section 9): the organization's IAM.4 and IAM.3 findings
 * read ONCE from the aggregating account in the home region, with the same three queries and
 * filters a single-account check sends (gates/collect/findings.ts) minus the AwsAccountId filter,
 * page by page (MaxResults 100), indexed by account as the pages arrive. GetFindings requests grow
 * with the number of findings (about ceil(F/100) per query), not with the number of accounts, where
 * per-account reads cost 3 per account against the organization-wide GetFindings quota (3 requests
 * per second, burst 6, in the aggregating account:
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/Welcome.html).
 *
 * An account's findings are handed out only once every query has ended (`takeForAccount` waits for
 * it): a query still reading may yet return a finding for any account. A query that fails part-way
 * still proves some accounts covered: its pages are requested sorted by AwsAccountId ascending
 * (GetFindings SortCriteria, https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_GetFindings.html
 * and API_SortCriterion.html), so every account below the greatest id read so far has had all its
 * findings returned. The sort is checked on the client; pages out of order prove nothing. For an
 * account not proven covered, the caller's per-account read answers instead when the failure is one
 * time can fix (throttling, timeout, a 5xx or malformed answer); otherwise (access denied, Security
 * Hub off, no credentials) the account gets the failure itself and its IAM.4 verdict is INCONCLUSIVE
 * with the reason. Never is an account handed an empty list for findings that were not read.
 *
 * Memory is O(findings): each finding is kept as the FindingSummary the decisions and bundles use,
 * with its repeated strings (product ARN, region, generator id, statuses) shared, and an account's
 * findings are dropped once handed to its check.
 */
import type { SortCriterion } from "@aws-sdk/client-securityhub";
import type { CallPolicy } from "../aws/call";
import type { AwsClientFactory } from "../aws/clients";
import type { FindingSummary, Read, ReadFailure, ReadFailureKind, ReadLocation } from "../types";
import { readSource } from "./context";
import { combineControlFindings, findingsLocation, findingsQueries, readFindingPages, type ControlFindings, type FindingsQuery, type FindingsQueryId } from "./findings";

/** Sorted by account so a read that stops part-way still proves the accounts below where it stopped. */
export const BY_ACCOUNT: SortCriterion[] = [{ Field: "AwsAccountId", SortOrder: "asc" }];

/** Failures a narrower per-account read may get past; the others would fail it the same way. */
const WORTH_A_PER_ACCOUNT_READ: ReadonlySet<ReadFailureKind> = new Set(["throttled", "timeout", "error", "malformed"]);

export interface OrganizationFindingsSettings {
  /** The gate's own credentials; the read-only role is assumed in the aggregating account. */
  aws: AwsClientFactory;
  /** The bulk read's own deadline, call timeout, retries, shared limiter and sweep signal. */
  policy: CallPolicy;
  securityHubAccountId: string;
  homeRegion: string;
  partition: string;
  clock: () => Date;
}

interface QueryProgress {
  query: FindingsQuery;
  pages: number;
  findings: number;
  state: "reading" | "complete" | "failed";
  failure: ReadFailure | null;
  /** Greatest AwsAccountId on the pages read so far (accounts below it are covered). */
  lastAccountId: string | null;
  /** Every finding so far came in ascending AwsAccountId order. */
  sorted: boolean;
  /** When its last page was read (ISO 8601, gate clock). */
  observedAt: string | null;
}

export interface OrganizationFindingsStats {
  /** GetFindings pages read (requests answered; retries of a page are not counted). */
  requests: number;
  /** Findings returned, counted once per query that returned them. */
  findings: number;
  /** Accounts whose findings came from their own per-account read because the bulk read could not prove them covered. */
  fallbacks: number;
  queries: { id: FindingsQueryId; pages: number; findings: number; state: QueryProgress["state"]; failure: string | null }[];
  /** When every query had ended (ISO 8601), or null while reading. */
  completedAt: string | null;
}

type PerQuery<T> = Record<FindingsQueryId, T>;

/** Shares equal strings between findings (thousands of findings repeat a few dozen values). */
class Interner {
  private readonly strings = new Map<string, string>();
  of<S extends string | null>(s: S): S {
    if (s === null) return s;
    const kept = this.strings.get(s);
    if (kept !== undefined) return kept as S;
    this.strings.set(s, s);
    return s;
  }
}

export class OrganizationFindings {
  private readonly byAccount = new Map<string, PerQuery<FindingSummary[]>>();
  private readonly progress: QueryProgress[];
  private readonly where: ReadLocation;
  private readonly interner = new Interner();
  private running: Promise<void> | null = null;
  private completedAt: string | null = null;
  private fallbacks = 0;

  constructor(private readonly settings: OrganizationFindingsSettings) {
    this.where = findingsLocation({ aws: settings.aws, securityHubAccountId: settings.securityHubAccountId, homeRegion: settings.homeRegion });
    this.progress = findingsQueries(null, settings.homeRegion, settings.partition).map((query) => ({
      query,
      pages: 0,
      findings: 0,
      state: "reading",
      failure: null,
      lastAccountId: null,
      sorted: true,
      observedAt: null,
    }));
  }

  /** Starts the read (once); resolves when every query has ended, successfully or not. Never rejects. */
  start(): Promise<void> {
    this.running ??= this.read().finally(() => {
      this.completedAt = this.settings.clock().toISOString();
    });
    return this.running;
  }

  private async read(): Promise<void> {
    const { aws, policy, securityHubAccountId } = this.settings;
    const assumed = await readSource(this.settings, this.where, () => aws.inAccount(securityHubAccountId, policy));
    if (!assumed.ok) {
      for (const p of this.progress) this.fail(p, assumed);
      return;
    }
    const session = assumed.value;
    await Promise.all(
      this.progress.map(async (p) => {
        const read = await readSource(this.settings, this.where, () =>
          readFindingPages({ securityHub: session.securityHub, policy, sort: BY_ACCOUNT }, p.query, (page) => this.addPage(p, page)),
        );
        if (read.ok) p.state = "complete";
        else this.fail(p, read);
      }),
    );
  }

  private fail(p: QueryProgress, failure: ReadFailure): void {
    p.state = "failed";
    p.failure = failure;
  }

  private addPage(p: QueryProgress, page: FindingSummary[]): void {
    const i = this.interner;
    p.pages++;
    p.observedAt = this.settings.clock().toISOString();
    for (const raw of page) {
      const accountId = raw.awsAccountId;
      if (p.lastAccountId !== null && accountId < p.lastAccountId) p.sorted = false;
      if (p.lastAccountId === null || accountId > p.lastAccountId) p.lastAccountId = accountId;
      const f: FindingSummary = {
        ...raw,
        productArn: i.of(raw.productArn),
        productName: i.of(raw.productName),
        awsAccountId: i.of(accountId),
        region: i.of(raw.region),
        generatorId: i.of(raw.generatorId),
        securityControlId: i.of(raw.securityControlId),
        complianceStatus: i.of(raw.complianceStatus),
        statusReasonCodes: raw.statusReasonCodes.map((c) => i.of(c)),
        recordState: i.of(raw.recordState),
        workflowStatus: i.of(raw.workflowStatus),
      };
      let mine = this.byAccount.get(accountId);
      if (mine === undefined) {
        mine = { byControlId: [], iam4Legacy: [], iam3Legacy: [] };
        this.byAccount.set(accountId, mine);
      }
      mine[p.query.id].push(f);
      p.findings++;
    }
  }

  /** Every account below the greatest id read has had all its findings returned by this query. */
  private covers(p: QueryProgress, accountId: string): boolean {
    if (p.state === "complete") return true;
    return p.sorted && p.lastAccountId !== null && accountId < p.lastAccountId;
  }

  /**
   * The account's IAM.4 and IAM.3 findings, once every query has ended; its entry is dropped from the
   * index (each account is handed its findings once). `perAccountRead` answers for an account the bulk
   * read cannot prove covered, when the failure is one a narrower read may get past.
   */
  async takeForAccount(accountId: string, perAccountRead: () => Promise<ControlFindings>): Promise<ControlFindings> {
    await this.start();
    const mine = this.byAccount.get(accountId);
    this.byAccount.delete(accountId);
    const results = {} as PerQuery<Read<FindingSummary[]>>;
    let uncovered = false;
    let worthRetrying = true;
    for (const p of this.progress) {
      if (this.covers(p, accountId)) {
        results[p.query.id] = { ok: true, value: mine?.[p.query.id] ?? [], observedAt: p.observedAt ?? this.completedAt ?? this.settings.clock().toISOString(), ...this.where };
        continue;
      }
      const failure = p.failure as ReadFailure;
      uncovered = true;
      if (!WORTH_A_PER_ACCOUNT_READ.has(failure.kind)) worthRetrying = false;
      const stoppedAt = p.pages === 0 ? "before its first page" : `after ${p.pages} page(s), before reaching this account`;
      results[p.query.id] = { ...failure, message: `the organization-wide findings read (${p.query.label}) stopped ${stoppedAt}: ${failure.message}` };
    }
    if (uncovered && worthRetrying) {
      this.fallbacks++;
      return perAccountRead();
    }
    return combineControlFindings(results);
  }

  stats(): OrganizationFindingsStats {
    return {
      requests: this.progress.reduce((n, p) => n + p.pages, 0),
      findings: this.progress.reduce((n, p) => n + p.findings, 0),
      fallbacks: this.fallbacks,
      queries: this.progress.map((p) => ({ id: p.query.id, pages: p.pages, findings: p.findings, state: p.state, failure: p.failure === null ? null : p.failure.message })),
      completedAt: this.completedAt,
    };
  }
}
