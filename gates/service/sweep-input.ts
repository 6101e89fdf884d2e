/**
 * What the sweep's steps hand each other, and their validation: the execution input, the Distributed Map's
 * batches (ItemBatcher: `{"BatchInput": {...}, "Items": [...]}`,
 * https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html) and the work-bucket
 * objects. Bad input is InvalidInputError before any request.
 */
import type { ControlFindings } from "../collect/findings";
import type { OrganizationFindingsStats } from "../collect/findings-bulk";
import { ACCOUNT_ID_PATTERN, OU_ID_PATTERN } from "../options";
import type { Read, SweepError, Verdict } from "../types";
import { InvalidInputError } from "./settings";

/** One account of the map's item list (the work bucket's `accounts.json`). */
export interface SweepItem {
  accountId: string;
  name: string;
  /** Its Organizations status as listed (State, and the deprecated Status). */
  state: string | null;
  status: string | null;
  observedAt: string;
  /** The findings shard holding its share of the organization-wide read. */
  shard: number;
}

/** The listing step's record (`listing.json`). */
export interface ListingRecord {
  runId: string;
  revoke: boolean;
  ouIds: string[];
  listedAt: string;
  skipped: { accountId: string; status: string }[];
  errors: SweepError[];
  rootCredentialsManagement: Read<boolean> | null;
  findings: OrganizationFindingsStats;
}

/** Accounts' findings; null: the account reads its own (the organization-wide read could not prove it covered). */
export type FindingsShard = Record<string, ControlFindings | null>;

/** One account as a batch left it: its verdict and stored bundle (file name next to the index), or why none. */
export interface BatchEntry {
  accountId: string;
  verdict: Verdict;
  checkedAt: string;
  sha256: string | null;
  file: string | null;
  reason: string | null;
}

export interface BatchResult {
  runId: string;
  entries: BatchEntry[];
  errors: SweepError[];
}

/** Execution names: 1-80 of letters, digits, `-` and `_` (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). */
const RUN_ID = /^[A-Za-z0-9_-]{1,80}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function runIdOf(v: unknown, problems: string[]): string {
  if (typeof v !== "string" || !RUN_ID.test(v)) problems.push(`runId ${JSON.stringify(v)} is not an execution name (1-80 letters, digits, - or _)`);
  return String(v);
}

function fail(what: string, problems: string[]): void {
  if (problems.length > 0) throw new InvalidInputError(`${what}: ${problems.join("; ")}`);
}

/** `{runId, input: {ouIds?, revoke?}}`: the state machine passes the execution's name and input. */
export function parseListRequest(raw: unknown): { runId: string; ouIds: string[]; revoke: boolean } {
  const problems: string[] = [];
  if (!isRecord(raw)) throw new InvalidInputError(`listAccounts: the event must be an object, got ${JSON.stringify(raw)}`);
  const runId = runIdOf(raw["runId"], problems);
  const input = raw["input"] ?? {};
  let ouIds: string[] = [];
  let revoke = false;
  if (!isRecord(input)) problems.push(`the sweep input must be an object {"ouIds"?, "revoke"?}, got ${JSON.stringify(input)}`);
  else {
    for (const key of Object.keys(input)) if (!["ouIds", "revoke"].includes(key)) problems.push(`unknown field ${JSON.stringify(key)} in the sweep input (allowed: ouIds, revoke)`);
    const ous = input["ouIds"] ?? [];
    if (!Array.isArray(ous) || !ous.every((o) => typeof o === "string" && (OU_ID_PATTERN.test(o) || ROOT_ID.test(o)))) problems.push(`ouIds ${JSON.stringify(ous)} must be a list of OU or root ids (ou-ab12-cdef3456, r-ab12)`);
    else ouIds = ous as string[];
    const r = input["revoke"] ?? false;
    if (typeof r !== "boolean") problems.push(`revoke ${JSON.stringify(r)} must be true or false`);
    else revoke = r;
  }
  fail("listAccounts", problems);
  return { runId, ouIds, revoke };
}

function parseItem(raw: unknown, i: number, problems: string[]): SweepItem | null {
  const ok =
    isRecord(raw) &&
    typeof raw["accountId"] === "string" &&
    ACCOUNT_ID_PATTERN.test(raw["accountId"]) &&
    typeof raw["name"] === "string" &&
    (raw["state"] === null || typeof raw["state"] === "string") &&
    (raw["status"] === null || typeof raw["status"] === "string") &&
    typeof raw["observedAt"] === "string" &&
    Number.isInteger(raw["shard"]) &&
    (raw["shard"] as number) >= 0;
  if (!ok) {
    problems.push(`item ${i} ${JSON.stringify(raw).slice(0, 200)} is not an account of the listing step's item list`);
    return null;
  }
  return raw as unknown as SweepItem;
}

export function parseSweepItems(raw: unknown): SweepItem[] {
  const problems: string[] = [];
  if (!Array.isArray(raw)) throw new InvalidInputError("the account list is not a JSON array");
  const items = raw.map((r, i) => parseItem(r, i, problems));
  fail("account list", problems);
  return items as SweepItem[];
}

/** One ItemBatcher batch: `{"BatchInput": {runId, revoke}, "Items": [...]}`. */
export function parseBatch(raw: unknown): { runId: string; revoke: boolean; items: SweepItem[] } {
  const problems: string[] = [];
  if (!isRecord(raw) || !isRecord(raw["BatchInput"]) || !Array.isArray(raw["Items"])) {
    throw new InvalidInputError(`checkBatch: the event must be an ItemBatcher batch {"BatchInput": {runId, revoke}, "Items": [...]}, got ${JSON.stringify(raw).slice(0, 200)}`);
  }
  const runId = runIdOf(raw["BatchInput"]["runId"], problems);
  const revoke = raw["BatchInput"]["revoke"];
  if (typeof revoke !== "boolean") problems.push(`BatchInput.revoke ${JSON.stringify(revoke)} must be true or false`);
  if (raw["Items"].length === 0) problems.push("the batch has no item");
  const items = raw["Items"].map((r, i) => parseItem(r, i, problems));
  fail("checkBatch", problems);
  return { runId, revoke: revoke as boolean, items: items as SweepItem[] };
}

/** `{runId, revoke, mapError?}`: mapError is the Map's caught error ({Error, Cause}) when it failed. */
export function parseIndexRequest(raw: unknown): { runId: string; revoke: boolean; mapError: string | null } {
  const problems: string[] = [];
  if (!isRecord(raw)) throw new InvalidInputError(`writeSweepIndex: the event must be an object, got ${JSON.stringify(raw)}`);
  const runId = runIdOf(raw["runId"], problems);
  const revoke = raw["revoke"];
  if (typeof revoke !== "boolean") problems.push(`revoke ${JSON.stringify(revoke)} must be true or false`);
  const e = raw["mapError"];
  const mapError = e === undefined || e === null ? null : isRecord(e) ? `${String(e["Error"] ?? "error")}: ${String(e["Cause"] ?? "")}` : String(e);
  fail("writeSweepIndex", problems);
  return { runId, revoke: revoke as boolean, mapError };
}

export function parseListingRecord(raw: unknown): ListingRecord {
  if (!isRecord(raw) || !Array.isArray(raw["skipped"]) || !Array.isArray(raw["errors"]) || !Array.isArray(raw["ouIds"]) || typeof raw["runId"] !== "string") {
    throw new InvalidInputError("the listing record is not the listing step's listing.json");
  }
  return raw as unknown as ListingRecord;
}
