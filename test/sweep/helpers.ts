/** Fake accounts and verdicts for the sweep engine's unit tests (no AWS). */
import type { AccountVerdict, Verdict } from "../../gates/types";
import type { AccountListing, OrgAccount } from "../../gates/sweep/organization";

export function accountIds(n: number, first = 100000000000): string[] {
  return Array.from({ length: n }, (_, i) => String(first + i));
}

export function listingOf(ids: readonly string[]): AccountListing {
  return { accounts: ids.map((id): OrgAccount => ({ id, name: `acct-${id}`, parentId: null })), skipped: [] };
}

export function verdictFor(accountId: string, verdict: Verdict): AccountVerdict {
  return {
    schemaVersion: 1,
    accountId,
    checkedAt: "2026-11-22T10:00:00.000Z",
    verdict,
    productionReady: verdict === "PASS",
    controls: [{ id: "IAM.4", verdict, required: true, reasons: [`IAM.4 ${verdict}`], sources: [] }],
    marked: null,
    evidence: null,
  };
}

export const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
