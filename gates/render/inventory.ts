/**
 * The IAM.3 key inventory as CSV, for auditors and owners: one row per IAM user access key of every
 * checked account (accountStatus ACTIVE: sweep checks only ACTIVE accounts), then one row per skipped
 * account (accountStatus its status, every key column empty) so a spreadsheet never reads as covering
 * accounts that were not looked at.
 * Access key ids arrive masked (KeyInventoryRow); they are masked again here so a caller that built
 * rows by hand cannot leak a full id into a spreadsheet.
 */
import { stringify } from "csv-stringify/sync";
import type { KeyInventoryRow } from "../decide/iam3";
import { maskAccessKeyId } from "../mask";
import type { SkippedAccountResult } from "../types";

export const INVENTORY_CSV_COLUMNS = [
  "accountId",
  "user",
  "userArn",
  "accessKeyId",
  "status",
  "createdAt",
  "ageDays",
  "lastUsedAt",
  "owner",
  "daysUntilDue",
  "violation",
  "coveredByTicket",
  "coveredByApprover",
  "coveredByExpires",
  "accountStatus",
] as const;

/** Already masked ("…WXYZ") stays as is; anything else is reduced to its last 4 characters. */
const ensureMasked = (id: string): string => (id.startsWith("…") && id.length <= 5 ? id : maskAccessKeyId(id));

/**
 * Spreadsheets execute cells starting with = + - @ (CSV injection). User names and owner tags may
 * legally start with those characters, so text cells get a leading apostrophe; numbers are left alone.
 */
const safeText = (value: string | null | undefined): string =>
  value === null || value === undefined ? "" : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;

export function renderInventoryCsv(rows: readonly KeyInventoryRow[], skipped: readonly Pick<SkippedAccountResult, "accountId" | "status">[] = []): string {
  const records = rows.map((r) => [
    safeText(r.accountId),
    safeText(r.user),
    safeText(r.userArn),
    ensureMasked(r.accessKeyId),
    safeText(r.status),
    safeText(r.createdAt),
    r.ageDays === null ? "" : r.ageDays.toFixed(1),
    safeText(r.lastUsedAt),
    safeText(r.owner),
    r.daysUntilDue === null ? "" : r.daysUntilDue.toFixed(1),
    r.violation ? "true" : "false",
    safeText(r.coveredBy?.ticket),
    safeText(r.coveredBy?.approver),
    safeText(r.coveredBy?.expires),
    "ACTIVE",
  ]);
  for (const a of skipped) records.push([safeText(a.accountId), ...INVENTORY_CSV_COLUMNS.slice(1, -1).map(() => ""), safeText(a.status)]);
  return stringify(records, { header: true, columns: [...INVENTORY_CSV_COLUMNS], record_delimiter: "unix" });
}
