/**
 * Which accounts a sweep covers: every ACTIVE account of the organization (management and
 * security-tooling accounts included), or every ACTIVE account under the given OUs, nested OUs
 * included. Every list is read to its last page; accounts that are not ACTIVE are returned apart so
 * the summary can say they were skipped and why. Each page is handed to `onPage` as it arrives, so a
 * sweep checks the first accounts while the rest are still being listed (ListAccounts answers at most
 * 20 accounts a page: 500 pages, one after the other, for 10,000 accounts).
 */
import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  type Account,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import type { AccountStatusEvidence, ReadSuccess } from "../types";

/** Runs one AWS call (retries, timeouts, shared limiter are the caller's business). */
export type OrgCall = <T>(api: string, send: (abortSignal: AbortSignal) => Promise<T>) => Promise<T>;

export interface OrgAccount {
  id: string;
  name: string;
  /** Root or OU the account was found under; null when listed with ListAccounts. */
  parentId: string | null;
  /** Its status as the listing answered it: the check uses it instead of calling DescribeAccount. */
  statusRead?: ReadSuccess<AccountStatusEvidence>;
}

export interface SkippedAccount {
  id: string;
  name: string;
  status: string;
}

export interface AccountListing {
  accounts: OrgAccount[];
  skipped: SkippedAccount[];
}

/** Guards against a service that keeps returning a NextToken. */
const MAX_PAGES = 10_000;

/**
 * ListAccounts / ListAccountsForParent MaxResults: 1 to 20
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html); asked for
 * explicitly, so the page size does not depend on the service's default.
 */
export const ACCOUNTS_PAGE_SIZE = 20;

async function eachPage<P extends { NextToken?: string | undefined }>(fetch: (token: string | undefined) => Promise<P>, onPage: (page: P) => void): Promise<void> {
  let token: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const page = await fetch(token);
    onPage(page);
    token = page.NextToken;
    if (token === undefined || token === "") return;
  }
  throw new Error(`pagination did not end after ${MAX_PAGES} pages`);
}

/**
 * `State` replaced the deprecated `Status` in 2025 and wins when both are there, as in
 * decideAccountStatus (https://docs.aws.amazon.com/organizations/latest/APIReference/API_Account.html).
 */
function statusOf(a: Account): string {
  return a.State ?? a.Status ?? "UNKNOWN";
}

/** Where the listing was read (the gate's own account and region), for the status each account carries. */
export interface ListingLocation {
  accountId: string;
  region: string;
  clock?: () => Date;
}

/** A page's accounts as the sweep takes them: ACTIVE ones to check, the others skipped. */
export type ListingPageHandler = (page: AccountListing) => void;

function sortInto(listing: AccountListing, seen: Set<string>, accounts: readonly Account[], parentId: string | null, api: string, where: ListingLocation | undefined, onPage: ListingPageHandler | undefined): void {
  const observedAt = (where?.clock ?? ((): Date => new Date()))().toISOString();
  const page: AccountListing = { accounts: [], skipped: [] };
  for (const a of accounts) {
    if (a.Id === undefined || seen.has(a.Id)) continue;
    seen.add(a.Id);
    const status = statusOf(a);
    if (status !== "ACTIVE") {
      page.skipped.push({ id: a.Id, name: a.Name ?? "", status });
      continue;
    }
    const account: OrgAccount = { id: a.Id, name: a.Name ?? "", parentId };
    if (where !== undefined) {
      account.statusRead = { ok: true, value: { state: a.State ?? null, status: a.Status ?? null }, observedAt, accountId: where.accountId, region: where.region, api };
    }
    page.accounts.push(account);
  }
  listing.accounts.push(...page.accounts);
  listing.skipped.push(...page.skipped);
  if (page.accounts.length > 0 || page.skipped.length > 0) onPage?.(page);
}

export async function listOrganizationAccounts(
  org: OrganizationsClient,
  call: OrgCall,
  ouIds: readonly string[] = [],
  where?: ListingLocation,
  onPage?: ListingPageHandler,
): Promise<AccountListing> {
  const listing: AccountListing = { accounts: [], skipped: [] };
  const seen = new Set<string>();
  if (ouIds.length === 0) {
    await eachPage(
      (NextToken) => call("organizations:ListAccounts", (abortSignal) => org.send(new ListAccountsCommand({ NextToken, MaxResults: ACCOUNTS_PAGE_SIZE }), { abortSignal })),
      (p) => sortInto(listing, seen, p.Accounts ?? [], null, "organizations:ListAccounts", where, onPage),
    );
    return listing;
  }
  // Breadth first over the OU tree; an OU named twice (or under another named OU) is read once.
  const queue = [...ouIds];
  const visited = new Set<string>();
  while (queue.length > 0) {
    const parentId = queue.shift() as string;
    if (visited.has(parentId)) continue;
    visited.add(parentId);
    await Promise.all([
      eachPage(
        (NextToken) =>
          call("organizations:ListAccountsForParent", (abortSignal) =>
            org.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken, MaxResults: ACCOUNTS_PAGE_SIZE }), { abortSignal }),
          ),
        (p) => sortInto(listing, seen, p.Accounts ?? [], parentId, "organizations:ListAccountsForParent", where, onPage),
      ),
      eachPage(
        (NextToken) =>
          call("organizations:ListOrganizationalUnitsForParent", (abortSignal) =>
            org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken }), { abortSignal }),
          ),
        (p) => {
          for (const ou of p.OrganizationalUnits ?? []) if (ou.Id !== undefined) queue.push(ou.Id);
        },
      ),
    ]);
  }
  return listing;
}
