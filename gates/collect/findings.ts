/**
 * Security Hub GetFindings for IAM.4 and IAM.3, read in the aggregating account and home region.
 *
 * Three queries, run concurrently, each to its last page, merged per control by finding Id:
 *   1. ComplianceSecurityControlId EQUALS IAM.4 or IAM.3: consolidated findings, and legacy ones
 *      that the consolidated controls view tagged with a control id;
 *   2. GeneratorId EQUALS any id IAM.4 findings carry (consolidated, and each legacy rule bare and as
 *      an ARN in every partition): legacy findings WITHOUT Compliance.SecurityControlId, which query 1
 *      can never return (DESIGN.md section 5: a server-side filter may not exclude them);
 *   3. the same for IAM.3.
 * So a check costs 3 GetFindings requests while each query fits one page (100 findings), where
 * reading by control id alone cost 2. Findings are filtered again on the client (gates/decide).
 * A sweep sends the same three queries once for the whole organization (no AwsAccountId filter,
 * gates/collect/findings-bulk.ts) and hands each account its share through `combineControlFindings`.
 *
 * Filter semantics (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFindingFilters.html
 * and API_StringFilter.html): attributes are ANDed; EQUALS / PREFIX values of one attribute are ORed;
 * at most 10 attributes and 20 values per attribute, which is why IAM.4's 17 generator ids and IAM.3's
 * 13 are two queries, not one. EQUALS rather than PREFIX: every id is known exactly, and a prefix such
 * as `…/rule/1.1` would also match rules 1.10-1.19.
 * Not filtered on the server: WorkflowStatus (PASSED findings are auto-RESOLVED), ComplianceStatus
 * (FAILED / NOT_AVAILABLE must be seen), and ProductName (Security Hub's own findings were named
 * "Security Hub", now documented as "Security Hub CSPM": the client checks the product ARN instead).
 */
import { GetFindingsCommand, type AwsSecurityFindingFilters, type SecurityHubClient, type SortCriterion } from "@aws-sdk/client-securityhub";
import { CONTROL_IAM3, CONTROL_IAM4, type ControlId } from "../../modules/constants";
import { PARTITIONS } from "../../modules/config/regions";
import { callAws, type CallPolicy } from "../aws/call";
import { generatorIdsFor, normalizeFinding } from "../findings";
import type { FindingSummary, Read, ReadLocation } from "../types";
import { MalformedResponseError, readSource, type CollectContext } from "./context";

/** A guard against a service that keeps returning a NextToken: past this, the read is malformed. */
const MAX_PAGES = 200;
/** GetFindings MaxResults: "The maximum number of findings to return" is 100 (API_GetFindings.html, MaxResults 1-100). */
export const FINDINGS_PAGE_SIZE = 100;
/** AwsSecurityFindingFilters: "For each attribute, you can provide up to 20 filter values." */
export const MAX_FILTER_VALUES = 20;
export const GET_FINDINGS_API = "securityhub:GetFindings";

const eq = (values: readonly string[]) => values.map((Value) => ({ Value, Comparison: "EQUALS" as const }));

/** One account's findings, or (accountId null) the whole organization's as aggregated in the home region. */
function scope(accountId: string | null, region: string): AwsSecurityFindingFilters {
  const base: AwsSecurityFindingFilters = { RecordState: eq(["ACTIVE"]), Region: eq([region]) };
  return accountId === null ? base : { AwsAccountId: eq([accountId]), ...base };
}

/** Query 1: findings that carry one of the controls' ids. */
export function controlIdFilter(accountId: string | null, region: string, controls: readonly ControlId[]): AwsSecurityFindingFilters {
  return { ...scope(accountId, region), ComplianceSecurityControlId: eq(controls) };
}

/** Queries 2 and 3: findings whose generator id is one of `control`'s, in the run's partition and every other. */
export function generatorIdFilter(accountId: string | null, region: string, control: ControlId, partition: string): AwsSecurityFindingFilters {
  const partitions = PARTITIONS.includes(partition as (typeof PARTITIONS)[number]) ? PARTITIONS : [...PARTITIONS, partition];
  const ids = generatorIdsFor(control, partitions);
  if (ids.length > MAX_FILTER_VALUES) throw new Error(`${control}: ${ids.length} generator ids exceed the ${MAX_FILTER_VALUES} filter values GetFindings accepts`);
  return { ...scope(accountId, region), GeneratorId: eq(ids) };
}

/** The three queries; which of them serve which control is fixed by combineControlFindings. */
export type FindingsQueryId = "byControlId" | "iam4Legacy" | "iam3Legacy";
export interface FindingsQuery {
  id: FindingsQueryId;
  label: string;
  filters: AwsSecurityFindingFilters;
}

export function findingsQueries(accountId: string | null, region: string, partition: string): FindingsQuery[] {
  return [
    { id: "byControlId", label: "IAM.4+IAM.3 by control id", filters: controlIdFilter(accountId, region, [CONTROL_IAM4, CONTROL_IAM3]) },
    { id: "iam4Legacy", label: "IAM.4 by generator id", filters: generatorIdFilter(accountId, region, CONTROL_IAM4, partition) },
    { id: "iam3Legacy", label: "IAM.3 by generator id", filters: generatorIdFilter(accountId, region, CONTROL_IAM3, partition) },
  ];
}

export interface FindingsPageReader {
  securityHub: SecurityHubClient;
  policy: CallPolicy;
  /** e.g. GetFindings SortCriteria; undefined sends none. */
  sort?: SortCriterion[];
}

/**
 * Every page of one query, each handed to `onPage` as soon as it is read (the caller keeps what it
 * needs). Throws AwsCallError or MalformedResponseError; pages already handed over stay handed over.
 */
export async function readFindingPages(reader: FindingsPageReader, query: Pick<FindingsQuery, "label" | "filters">, onPage: (findings: FindingSummary[], page: number) => void): Promise<number> {
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const input = {
      Filters: query.filters,
      MaxResults: FINDINGS_PAGE_SIZE,
      ...(reader.sort !== undefined ? { SortCriteria: reader.sort } : {}),
      ...(token !== undefined ? { NextToken: token } : {}),
    };
    const out = await callAws(`${GET_FINDINGS_API} (${query.label}, page ${page})`, reader.policy, (abortSignal) => reader.securityHub.send(new GetFindingsCommand(input), { abortSignal }));
    if (!Array.isArray(out.Findings)) throw new MalformedResponseError(GET_FINDINGS_API, "no Findings array");
    onPage(out.Findings.map((f) => normalizeFinding(f)), page);
    token = out.NextToken !== undefined && out.NextToken !== "" ? out.NextToken : undefined;
    if (token === undefined) return page;
    if (seen.has(token) || page >= MAX_PAGES) throw new MalformedResponseError(GET_FINDINGS_API, "pagination does not end");
    seen.add(token);
  }
}

/** Every page of one query, for one account. Throws AwsCallError or MalformedResponseError. */
async function allFindings(ctx: CollectContext, query: FindingsQuery): Promise<FindingSummary[]> {
  const { securityHub } = await ctx.aws.inAccount(ctx.securityHubAccountId, ctx.policy);
  const findings: FindingSummary[] = [];
  await readFindingPages({ securityHub, policy: ctx.policy }, query, (page) => findings.push(...page));
  return findings;
}

/** One finding per Id; when two queries returned different versions, the most recently updated wins. */
export function mergeById(...lists: readonly FindingSummary[][]): FindingSummary[] {
  const byId = new Map<string, FindingSummary>();
  for (const f of lists.flat()) {
    const kept = byId.get(f.id);
    if (kept === undefined || Date.parse(f.updatedAt ?? "") > Date.parse(kept.updatedAt ?? "")) byId.set(f.id, f);
  }
  return [...byId.values()];
}

export interface ControlFindings {
  iam4: Read<FindingSummary[]>;
  iam3: Read<FindingSummary[]>;
}

/** Where findings are read: the aggregating account, home region, through the gate role there. */
export function findingsLocation(ctx: Pick<CollectContext, "aws" | "securityHubAccountId" | "homeRegion">): ReadLocation {
  return { accountId: ctx.securityHubAccountId, region: ctx.homeRegion, api: GET_FINDINGS_API, principal: ctx.aws.roleArn(ctx.securityHubAccountId) };
}

/**
 * The three queries' results per control: query 1 serves both controls (each gets the findings whose
 * control id is not the other's), merged by Id with the control's legacy query; a failed query fails
 * the read of the control(s) it serves.
 */
export function combineControlFindings(results: Readonly<Record<FindingsQueryId, Read<FindingSummary[]>>>): ControlFindings {
  const byControlId = results.byControlId;
  const combine = (control: ControlId, legacy: Read<FindingSummary[]>): Read<FindingSummary[]> => {
    if (!byControlId.ok) return byControlId;
    if (!legacy.ok) return legacy;
    const other = control === CONTROL_IAM4 ? CONTROL_IAM3 : CONTROL_IAM4;
    const mine = byControlId.value.filter((f) => f.securityControlId !== other);
    const observedAt = legacy.observedAt > byControlId.observedAt ? legacy.observedAt : byControlId.observedAt;
    return { ...byControlId, observedAt, value: mergeById(mine, legacy.value) };
  };
  return { iam4: combine(CONTROL_IAM4, results.iam4Legacy), iam3: combine(CONTROL_IAM3, results.iam3Legacy) };
}

/** The three queries for one account (check, and a sweep's fallback when its bulk read cannot answer). */
export async function readControlFindings(ctx: CollectContext): Promise<ControlFindings> {
  const where = findingsLocation(ctx);
  const queries = findingsQueries(ctx.accountId, ctx.homeRegion, ctx.partition);
  const reads = await Promise.all(queries.map((q) => readSource(ctx, where, () => allFindings(ctx, q))));
  const results = Object.fromEntries(queries.map((q, i) => [q.id, reads[i] as Read<FindingSummary[]>])) as Record<FindingsQueryId, Read<FindingSummary[]>>;
  return combineControlFindings(results);
}
