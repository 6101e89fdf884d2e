/**
 * Renders an account's IAM credential report CSV in the format AWS emits (22 columns, LF line endings,
 * no trailing newline as in the real samples). "2025" prints timestamps with `Z` and a real root
 * password_enabled; "2022" prints `+00:00` and `not_supported` for root password fields.
 */
import type { AccountState, IamUser, RootKeySlot } from "./world";

export const CREDENTIAL_REPORT_COLUMNS = [
  "user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
  "password_next_rotation", "mfa_active",
  "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date", "access_key_1_last_used_region", "access_key_1_last_used_service",
  "access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service",
  "cert_1_active", "cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated",
] as const;

function ts(iso: string, format: "2025" | "2022"): string {
  const noMillis = new Date(iso).toISOString().replace(/\.\d{3}Z$/, "Z");
  return format === "2025" ? noMillis : noMillis.replace(/Z$/, "+00:00");
}

/** RFC 4180 quoting: user names may contain commas. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function keySlot(slot: { active: boolean; lastRotated: string; lastUsed?: { date: string; region: string; service: string } } | undefined, format: "2025" | "2022"): string[] {
  if (!slot) return ["false", "N/A", "N/A", "N/A", "N/A"];
  const used = slot.lastUsed;
  return [
    String(slot.active),
    ts(slot.lastRotated, format),
    used ? ts(used.date, format) : "N/A",
    used ? used.region : "N/A",
    used ? used.service : "N/A",
  ];
}

function rootRow(account: AccountState, arnPrefix: string, format: "2025" | "2022"): string[] {
  const created = ts(account.joinedTimestamp, format);
  const slots = account.rootKeys.slice(0, 2) as (RootKeySlot | undefined)[];
  const password = format === "2022" ? "not_supported" : account.rootPasswordEnabled;
  return [
    "<root_account>", `${arnPrefix}root`, created, password, "no_information",
    format === "2022" ? "not_supported" : password === "true" ? created : "N/A",
    "not_supported", String(account.rootMfaActive),
    ...keySlot(slots[0], format), ...keySlot(slots[1], format),
    "false", "N/A", "false", "N/A",
  ];
}

function userRow(user: IamUser, arnPrefix: string, format: "2025" | "2022"): string[] {
  const created = ts(user.createDate, format);
  const slots = user.accessKeys.slice(0, 2).map((k) => ({ active: k.status === "Active", lastRotated: k.createDate, lastUsed: k.lastUsed }));
  return [
    user.userName, `${arnPrefix}user${user.path}${user.userName}`, created, String(user.passwordEnabled),
    user.passwordEnabled ? "no_information" : "N/A", user.passwordEnabled ? created : "N/A", "N/A", "false",
    ...keySlot(slots[0], format), ...keySlot(slots[1], format),
    "false", "N/A", "false", "N/A",
  ];
}

export function renderCredentialReport(account: AccountState, partition: string, format: "2025" | "2022" = account.credentialReport.format): string {
  const arnPrefix = `arn:${partition}:iam::${account.id}:`;
  const rows = [[...CREDENTIAL_REPORT_COLUMNS], rootRow(account, arnPrefix, format), ...account.users.map((u) => userRow(u, arnPrefix, format))];
  return rows.map((r) => r.map(csvField).join(",")).join("\n");
}
