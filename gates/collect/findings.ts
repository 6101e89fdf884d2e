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
import { GetFindingsCommand, type AwsSecurityFindingFilters } from "@aws-sdk/client-securityhub";
import { CONTROL_IAM3, CONTROL_IAM4, type ControlId } from "../../modules/constants";
import { PARTITIONS } from "../../modules/config/regions";
import { callAws } from "../aws/call";
import { generatorIdsFor, normalizeFinding } from "../findings";
import type { FindingSummary, Read } from "../types";
import { MalformedResponseError, readSource, type CollectContext } from "./context";

/** A guard against a service that keeps returning a NextToken: past this, the read is malformed. */
const MAX_PAGES = 200;
/** AwsSecurityFindingFilters: "For each attribute, you can provide up to 20 filter values." */
export const MAX_FILTER_VALUES = 20;

const eq = (values: readonly string[]) => values.map((Value) => ({ Value, Comparison: "EQUALS" as const }));

function scope(accountId: string, region: string): AwsSecurityFindingFilters {
  return { AwsAccountId: eq([accountId]), RecordState: eq(["ACTIVE"]), Region: eq([region]) };
}

/** Query 1: findings that carry one of the controls' ids. */
export function controlIdFilter(accountId: string, region: string, controls: readonly ControlId[]): AwsSecurityFindingFilters {
  return { ...scope(accountId, region), ComplianceSecurityControlId: eq(controls) };
}

/** Queries 2 and 3: findings whose generator id is one of `control`'s, in the run's partition and every other. */
export function generatorIdFilter(accountId: string, region: string, control: ControlId, partition: string): AwsSecurityFindingFilters {
  const partitions = PARTITIONS.includes(partition as (typeof PARTITIONS)[number]) ? PARTITIONS : [...PARTITIONS, partition];
  const ids = generatorIdsFor(control, partitions);
  if (ids.length > MAX_FILTER_VALUES) throw new Error(`${control}: ${ids.length} generator ids exceed the ${MAX_FILTER_VALUES} filter values GetFindings accepts`);
  return { ...scope(accountId, region), GeneratorId: eq(ids) };
}

/** Every page of one query. Throws AwsCallError or MalformedResponseError. */
async function allFindings(ctx: CollectContext, label: string, filters: AwsSecurityFindingFilters): Promise<FindingSummary[]> {
  const api = "securityhub:GetFindings";
  const { securityHub } = await ctx.aws.inAccount(ctx.securityHubAccountId, ctx.policy);
  const findings: FindingSummary[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 1; ; page++) {
    const input = token === undefined ? { Filters: filters, MaxResults: 100 } : { Filters: filters, MaxResults: 100, NextToken: token };
    const out = await callAws(`${api} (${label}, page ${page})`, ctx.policy, (abortSignal) => securityHub.send(new GetFindingsCommand(input), { abortSignal }));
    if (!Array.isArray(out.Findings)) throw new MalformedResponseError(api, "no Findings array");
    for (const f of out.Findings) findings.push(normalizeFinding(f));
    token = out.NextToken !== undefined && out.NextToken !== "" ? out.NextToken : undefined;
    if (token === undefined) return findings;
    if (seen.has(token) || page >= MAX_PAGES) throw new MalformedResponseError(api, "pagination does not end");
    seen.add(token);
  }
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

/** The three queries for both controls; a failed query fails the read of the control(s) it serves. */
export async function readControlFindings(ctx: CollectContext): Promise<ControlFindings> {
  const where = { accountId: ctx.securityHubAccountId, region: ctx.homeRegion, api: "securityhub:GetFindings", principal: ctx.aws.roleArn(ctx.securityHubAccountId) };
  const [byControlId, iam4Legacy, iam3Legacy] = await Promise.all([
    readSource(ctx, where, () => allFindings(ctx, "IAM.4+IAM.3 by control id", controlIdFilter(ctx.accountId, ctx.homeRegion, [CONTROL_IAM4, CONTROL_IAM3]))),
    readSource(ctx, where, () => allFindings(ctx, "IAM.4 by generator id", generatorIdFilter(ctx.accountId, ctx.homeRegion, CONTROL_IAM4, ctx.partition))),
    readSource(ctx, where, () => allFindings(ctx, "IAM.3 by generator id", generatorIdFilter(ctx.accountId, ctx.homeRegion, CONTROL_IAM3, ctx.partition))),
  ]);
  const combine = (control: ControlId, legacy: Read<FindingSummary[]>): Read<FindingSummary[]> => {
    if (!byControlId.ok) return byControlId;
    if (!legacy.ok) return legacy;
    // Query 1 serves both controls: each gets the findings whose control id is not the other's.
    const other = control === CONTROL_IAM4 ? CONTROL_IAM3 : CONTROL_IAM4;
    const mine = byControlId.value.filter((f) => f.securityControlId !== other);
    const observedAt = legacy.observedAt > byControlId.observedAt ? legacy.observedAt : byControlId.observedAt;
    return { ...byControlId, observedAt, value: mergeById(mine, legacy.value) };
  };
  return { iam4: combine(CONTROL_IAM4, iam4Legacy), iam3: combine(CONTROL_IAM3, iam3Legacy) };
}
