/**
 * Pure parser of the IAM credential report (DESIGN.md section 5, source B; controls.md 1.1).
 * Parsed by header name with a real RFC 4180 parser (user names may contain commas, Q5), both
 * the pre-2025 (`+00:00`, root `not_supported`) and 2025 (`Z`, root `true`) formats.
 * Structural problems make the whole report unusable; field-level problems become `null`
 * (unknown) so that only the control needing that field is affected.
 */
import { parse } from "csv-parse/sync";
import { parseIsoWithOffset } from "./time";

/** The 22 columns AWS emits (controls.md 1.1). All are required; extra columns are ignored. */
export const CREDENTIAL_REPORT_COLUMNS = [
  "user",
  "arn",
  "user_creation_time",
  "password_enabled",
  "password_last_used",
  "password_last_changed",
  "password_next_rotation",
  "mfa_active",
  "access_key_1_active",
  "access_key_1_last_rotated",
  "access_key_1_last_used_date",
  "access_key_1_last_used_region",
  "access_key_1_last_used_service",
  "access_key_2_active",
  "access_key_2_last_rotated",
  "access_key_2_last_used_date",
  "access_key_2_last_used_region",
  "access_key_2_last_used_service",
  "cert_1_active",
  "cert_1_last_rotated",
  "cert_2_active",
  "cert_2_last_rotated",
] as const;
export type CredentialReportColumn = (typeof CREDENTIAL_REPORT_COLUMNS)[number];

export const ROOT_USER_NAME = "<root_account>";

/** Special values AWS writes instead of a date (controls.md 1.1). */
export type ReportSpecialValue = "N/A" | "not_supported" | "no_information";
/** An ISO timestamp (with offset, as written), a special value, or null = unknown. */
export type ReportDate = string | ReportSpecialValue | null;
/** `true`/`false` in any case; `not_supported` kept (root password fields, 2022 format); else null. */
export type ReportBoolean = boolean | null;

export interface AccessKeySlot {
  /** 1 or 2: the report has no key ids, only slots (Q4). */
  slot: 1 | 2;
  active: ReportBoolean;
  /** Timestamp string, "N/A" (no key), or null (anything else: unknown). Inactive keys keep dates (Q1). */
  lastRotated: string | "N/A" | null;
  lastUsedDate: ReportDate;
  lastUsedRegion: string | null;
  lastUsedService: string | null;
}

export interface RootRow {
  arn: string;
  userCreationTime: ReportDate;
  passwordEnabled: boolean | "not_supported" | null;
  passwordLastUsed: ReportDate;
  passwordLastChanged: ReportDate;
  mfaActive: ReportBoolean;
  accessKeys: [AccessKeySlot, AccessKeySlot];
  cert1Active: ReportBoolean;
  cert2Active: ReportBoolean;
  /** Every column of the row as written (no secrets: the report carries no key ids), for evidence. */
  fields: Record<string, string>;
}

export interface UserRow {
  user: string;
  arn: string;
  userCreationTime: ReportDate;
  accessKeys: [AccessKeySlot, AccessKeySlot];
}

export interface ParsedCredentialReport {
  /** Set when the report cannot be trusted at all (both IAM controls become INCONCLUSIVE). */
  structuralError: string | null;
  /** The header as read (BOM stripped). */
  columns: string[];
  root: RootRow | null;
  users: UserRow[];
}

const SPECIAL_VALUES: readonly string[] = ["N/A", "not_supported", "no_information"];

export function parseReportBoolean(raw: string): ReportBoolean {
  const lower = raw.trim().toLowerCase();
  if (lower === "true") return true;
  if (lower === "false") return false;
  return null;
}

export function parseReportDate(raw: string): ReportDate {
  const value = raw.trim();
  if (SPECIAL_VALUES.includes(value)) return value as ReportSpecialValue;
  return parseIsoWithOffset(value) === null ? null : value;
}

function parseLastRotated(raw: string): string | "N/A" | null {
  const value = parseReportDate(raw);
  // not_supported / no_information are not documented for last_rotated: unknown, never "no key".
  if (value === "not_supported" || value === "no_information") return null;
  return value;
}

function textOrNull(raw: string): string | null {
  const value = raw.trim();
  return value === "" || value === "N/A" ? null : value;
}

function keySlot(row: Record<string, string>, slot: 1 | 2): AccessKeySlot {
  const p = `access_key_${slot}_`;
  return {
    slot,
    active: parseReportBoolean(row[`${p}active`] ?? ""),
    lastRotated: parseLastRotated(row[`${p}last_rotated`] ?? ""),
    lastUsedDate: parseReportDate(row[`${p}last_used_date`] ?? ""),
    lastUsedRegion: textOrNull(row[`${p}last_used_region`] ?? ""),
    lastUsedService: textOrNull(row[`${p}last_used_service`] ?? ""),
  };
}

function malformed(message: string, columns: string[] = []): ParsedCredentialReport {
  return { structuralError: message, columns, root: null, users: [] };
}

function readRows(content: string): string[][] | string {
  try {
    const rows = parse(content, {
      bom: true,
      relax_column_count: true, // counted below, so the error names the row
      skip_empty_lines: false,
    }) as string[][];
    return rows;
  } catch (error) {
    return `the CSV could not be parsed (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * Parses a credential report and checks it belongs to `expected.accountId` in `expected.partition`.
 * Never throws: problems are reported through `structuralError` or `null` field values.
 */
export function parseCredentialReport(
  content: string,
  expected: { accountId: string; partition: string },
): ParsedCredentialReport {
  const text = content.startsWith("\uFEFF") ? content.slice(1) : content;
  const rowsOrError = readRows(text);
  if (typeof rowsOrError === "string") return malformed(rowsOrError);
  const rows = rowsOrError;
  // One trailing empty line is fine (a file saved with a final blank line); csv-parse yields [""].
  const last = rows[rows.length - 1];
  if (rows.length > 1 && last !== undefined && last.length === 1 && last[0] === "") rows.pop();

  const header = rows[0];
  if (header === undefined || header.length === 0) return malformed("the report is empty (no header row)");
  const columns = header.map((c) => c.trim());
  const missing = CREDENTIAL_REPORT_COLUMNS.filter((c) => !columns.includes(c));
  if (missing.length > 0) return malformed(`required column(s) missing: ${missing.join(", ")}`, columns);
  if (new Set(columns).size !== columns.length) return malformed("the header repeats a column name", columns);

  const records: Record<string, string>[] = [];
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i] ?? [];
    if (row.length !== columns.length) {
      return malformed(`row ${i + 1} has ${row.length} fields but the header has ${columns.length}`, columns);
    }
    const record: Record<string, string> = {};
    columns.forEach((name, index) => (record[name] = row[index] ?? ""));
    records.push(record);
  }

  const rootRecords = records.filter((r) => r["user"] === ROOT_USER_NAME);
  if (rootRecords.length === 0) return malformed(`the ${ROOT_USER_NAME} row is missing`, columns);
  if (rootRecords.length > 1) return malformed(`the ${ROOT_USER_NAME} row appears ${rootRecords.length} times`, columns);
  const rootRecord = rootRecords[0] as Record<string, string>;
  const rootArn = rootRecord["arn"] ?? "";
  const expectedArn = `arn:${expected.partition}:iam::${expected.accountId}:root`;
  if (rootArn !== expectedArn) {
    return malformed(`the ${ROOT_USER_NAME} row's ARN is ${rootArn}, expected ${expectedArn} (report of another account or partition)`, columns);
  }

  const passwordRaw = (rootRecord["password_enabled"] ?? "").trim();
  const root: RootRow = {
    arn: rootArn,
    userCreationTime: parseReportDate(rootRecord["user_creation_time"] ?? ""),
    passwordEnabled: passwordRaw === "not_supported" ? "not_supported" : parseReportBoolean(passwordRaw),
    passwordLastUsed: parseReportDate(rootRecord["password_last_used"] ?? ""),
    passwordLastChanged: parseReportDate(rootRecord["password_last_changed"] ?? ""),
    mfaActive: parseReportBoolean(rootRecord["mfa_active"] ?? ""),
    accessKeys: [keySlot(rootRecord, 1), keySlot(rootRecord, 2)],
    cert1Active: parseReportBoolean(rootRecord["cert_1_active"] ?? ""),
    cert2Active: parseReportBoolean(rootRecord["cert_2_active"] ?? ""),
    fields: Object.fromEntries(CREDENTIAL_REPORT_COLUMNS.map((c) => [c, rootRecord[c] ?? ""])),
  };
  const users: UserRow[] = records
    .filter((r) => r["user"] !== ROOT_USER_NAME)
    .map((r) => ({
      user: r["user"] ?? "",
      arn: r["arn"] ?? "",
      userCreationTime: parseReportDate(r["user_creation_time"] ?? ""),
      accessKeys: [keySlot(r, 1), keySlot(r, 2)],
    }));
  return { structuralError: null, columns, root, users };
}

/** Root key evidence of one slot: present (true), absent (false) or unknown (null). Q1: inactive keys count. */
export function rootKeyPresentInSlot(slot: AccessKeySlot): boolean | null {
  if (slot.active === true) return true;
  if (slot.lastRotated !== null && slot.lastRotated !== "N/A") return true;
  if (slot.active === null || slot.lastRotated === null) return null;
  return false;
}
