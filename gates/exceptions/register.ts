/**
 * The time-bound exceptions register for IAM.3 (DESIGN.md section 5). An invalid register is a usage
 * error (exit 2) that names the file, the entry and the field, so every problem is collected before
 * anything is thrown: the approver fixes the file once, not once per error.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import YAML from "yaml";
import { z } from "zod";
import type { AccessKeyException } from "../types";
import { maskAccessKeyId, maskSecrets } from "../mask";
import { MS_PER_DAY, epochMsOrNull, parseTimestampWithOffset } from "../iso-time";

export interface ExceptionsRegisterOptions {
  /** The gate's clock: decides which entries warn as expiring or expired. */
  now: Date;
  /** Longest allowed expires − approvedAt, in days (DESIGN default 90). */
  maxWindowDays: number;
}

export interface ExceptionsRegister {
  exceptions: AccessKeyException[];
  /** Expired or soon-expiring entries: valid data, but someone should act. */
  warnings: string[];
}

export const DEFAULT_MAX_EXCEPTION_WINDOW_DAYS = 90;
/** Entries expiring within this many days of now produce a warning. */
export const EXPIRY_WARNING_DAYS = 14;
/** approvedAt may be at most this far ahead of the gate's clock (same skew tolerance as IAM.3 dates). */
const CLOCK_SKEW_MS = 300_000;

/** The register could not be read or is invalid. `errors` are complete sentences, one per problem. */
export class ExceptionsRegisterError extends Error {
  readonly fileName: string;
  readonly errors: string[];
  constructor(fileName: string, errors: string[]) {
    const list = errors.map((e) => `  - ${e}`).join("\n");
    super(`${fileName}: invalid exceptions register (${errors.length} error(s); entries numbered from 1):\n${list}`);
    this.name = "ExceptionsRegisterError";
    this.fileName = fileName;
    this.errors = errors;
  }
}

const FIELDS = ["account", "user", "accessKeyId", "reason", "approver", "ticket", "approvedAt", "expires"] as const;
type Field = (typeof FIELDS)[number];

const ACCOUNT_ID = /^\d{12}$/;
/** IAM user names: 1-64 of letters, digits and +=,.@_- (IAM API reference, CreateUser). */
const IAM_USER_NAME = /^[\w+=,.@-]{1,64}$/;
/** arn:<partition>:iam::<account>:user/<optional path/>name */
const USER_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):user\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]{1,64})$/;
const ROOT_ARN = /^arn:aws[a-z-]*:iam::\d{12}:root$/;
/** Names that mean the root user: its keys are IAM.4's and never exceptionable. */
const ROOT_USER_NAMES = new Set(["<root_account>", "root"]);
const ACCESS_KEY_ID = /^AKIA[A-Z0-9]{12,124}$/;
const ROOT_MESSAGE = "names the root user; root access keys can never be excepted (IAM.4)";

const describe = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "a list" : `a ${typeof v}`);
const requiredOr = (what: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? "is required" : `must be ${what}, not ${describe(iss.input)}`;

const text = (what: string) =>
  z.string({ error: requiredOr(what) }).refine((v) => v.trim() !== "", { error: "must not be empty" });

const timestamp = z.string({ error: requiredOr("a timestamp string such as 2026-12-31T23:59:59Z") }).superRefine((v, ctx) => {
  const parsed = parseTimestampWithOffset(v);
  if (parsed.ok) return;
  const hint =
    parsed.problem === "bare-date"
      ? `${JSON.stringify(v)} is a date without a time and offset; write ${v}T23:59:59Z`
      : parsed.problem === "no-offset"
        ? `${JSON.stringify(v)} has no offset; add Z (UTC) or ±hh:mm, e.g. ${v}Z`
        : `${JSON.stringify(v)} is not an ISO 8601 timestamp with offset, e.g. 2026-12-31T23:59:59Z`;
  ctx.addIssue({ code: "custom", message: hint });
});

const entrySchema = z.strictObject({
  account: z
    .string({
      error: (iss) =>
        typeof iss.input === "number"
          ? `is a number (${iss.input}); quote it as a 12-digit string, e.g. account: "012345678901", because YAML drops leading zeros`
          : requiredOr("a 12-digit account id string")(iss),
    })
    .refine((v) => ACCOUNT_ID.test(v), { error: (iss) => `${JSON.stringify(iss.input)} is not a 12-digit AWS account id` }),
  user: text("an IAM user name or user ARN").superRefine((v, ctx) => {
    if (ROOT_USER_NAMES.has(v.toLowerCase()) || ROOT_ARN.test(v)) {
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(v)} ${ROOT_MESSAGE}` });
    } else if (v.startsWith("arn:") ? !USER_ARN.test(v) : !IAM_USER_NAME.test(v)) {
      ctx.addIssue({
        code: "custom",
        message: `${JSON.stringify(v)} is neither an IAM user name nor a user ARN (arn:<partition>:iam::<account>:user/<path/>name)`,
      });
    }
  }),
  accessKeyId: z.optional(
    z.string({ error: requiredOr("an access key id string") }).refine((v) => ACCESS_KEY_ID.test(v), {
      error: (iss) =>
        `${maskAccessKeyId(String(iss.input))} is not an IAM user access key id (AKIA followed by uppercase letters and digits, 16-128 characters)`,
    }),
  ),
  reason: text("a sentence"),
  approver: text("a name or e-mail"),
  ticket: text("a ticket reference"),
  approvedAt: timestamp,
  expires: timestamp,
});

/** Reads, parses and validates the register at `path`; throws ExceptionsRegisterError when invalid. */
export function loadExceptionsRegister(path: string, opts: ExceptionsRegisterOptions): ExceptionsRegister {
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "error";
    throw new ExceptionsRegisterError(path, [`${path}: cannot be read (${code})`]);
  }
  return parseExceptionsRegister(content, path, opts);
}

/** Pure: validates register text. `fileName` picks the syntax by extension and prefixes every message. */
export function parseExceptionsRegister(text: string, fileName: string, opts: ExceptionsRegisterOptions): ExceptionsRegister {
  const nowMs = opts.now.getTime();
  if (Number.isNaN(nowMs)) throw new ExceptionsRegisterError(fileName, [`${fileName}: the gate's clock is not a valid date`]);
  if (!(Number.isFinite(opts.maxWindowDays) && opts.maxWindowDays > 0)) {
    throw new ExceptionsRegisterError(fileName, [
      `${fileName}: the maximum exception window must be a positive number of days, not ${opts.maxWindowDays}`,
    ]);
  }
  const document = parseDocument(text.replace(/^\uFEFF/, ""), fileName);
  const entries = topLevelEntries(document, fileName);
  const errors: string[] = [];
  const exceptions: AccessKeyException[] = [];
  entries.forEach((raw, index) => {
    const validated = validateEntry(raw, `${fileName}: entry ${index + 1}`, opts, nowMs);
    if (Array.isArray(validated)) errors.push(...validated);
    else exceptions.push(validated);
  });
  if (errors.length > 0) throw new ExceptionsRegisterError(fileName, errors.map(maskSecrets));
  const warnings = exceptions.flatMap((e, index) => expiryWarning(e, `${fileName}: entry ${index + 1}`, nowMs));
  return { exceptions, warnings };
}

function parseDocument(text: string, fileName: string): unknown {
  const ext = extname(fileName).toLowerCase();
  const asJson = (): unknown => JSON.parse(text);
  // YAML 1.2 core schema: no implicit timestamps, so dates stay the strings the approver wrote.
  const asYaml = (): unknown => YAML.parse(text, { schema: "core", uniqueKeys: true, maxAliasCount: 100 });
  const fail = (syntax: string, err: unknown): never => {
    const message = err instanceof Error ? (err.message.split("\n")[0] ?? err.message) : String(err);
    throw new ExceptionsRegisterError(fileName, [maskSecrets(`${fileName}: not valid ${syntax}: ${message}`)]);
  };
  if (ext === ".json") {
    try {
      return asJson();
    } catch (err) {
      return fail("JSON", err);
    }
  }
  if (ext !== ".yaml" && ext !== ".yml") {
    try {
      return asJson();
    } catch {
      // Not JSON: YAML is a superset, so its error is the more useful one.
    }
  }
  try {
    return asYaml();
  } catch (err) {
    return fail("YAML", err);
  }
}

function topLevelEntries(document: unknown, fileName: string): unknown[] {
  if (Array.isArray(document)) return document;
  const shape = "expected a list of exceptions, or a mapping with one key `exceptions` holding that list (write [] for none)";
  if (document === null || document === undefined) {
    throw new ExceptionsRegisterError(fileName, [`${fileName}: the file is empty; ${shape}`]);
  }
  if (typeof document !== "object") {
    throw new ExceptionsRegisterError(fileName, [`${fileName}: top level is ${describe(document)}; ${shape}`]);
  }
  const record = document as Record<string, unknown>;
  const errors = Object.keys(record)
    .filter((key) => key !== "exceptions")
    .map((key) => `${fileName}: top level, field ${JSON.stringify(key)}: unknown field; ${shape}`);
  if (!("exceptions" in record)) errors.push(`${fileName}: top level, field "exceptions": is required; ${shape}`);
  else if (!Array.isArray(record.exceptions)) {
    errors.push(`${fileName}: top level, field "exceptions": must be a list, not ${describe(record.exceptions)}`);
  }
  if (errors.length > 0) throw new ExceptionsRegisterError(fileName, errors);
  return record.exceptions as unknown[];
}

/** One entry: the exception, or the error sentences (all of them) prefixed with `where`. */
function validateEntry(
  raw: unknown,
  where: string,
  opts: ExceptionsRegisterOptions,
  nowMs: number,
): AccessKeyException | string[] {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    return [`${where}: must be a mapping with fields ${FIELDS.join(", ")}, not ${describe(raw)}`];
  }
  const errors: string[] = [];
  const at = (field: string, message: string): void => void errors.push(`${where}, field ${JSON.stringify(field)}: ${message}`);
  const result = entrySchema.safeParse(raw);
  const failed = new Set<string>();
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        for (const key of issue.keys) at(key, `unknown field; allowed fields are ${FIELDS.join(", ")}`);
        continue;
      }
      const field = String(issue.path[0] ?? "?");
      failed.add(field);
      at(field, issue.message);
    }
  }
  // Cross-field rules run on the raw values of fields that were individually valid, so one bad field
  // does not hide another problem in the same entry.
  const value = raw as Partial<Record<Field, string>>;
  const ok = (f: Field): boolean => !failed.has(f) && typeof value[f] === "string";
  let userName = ok("user") ? (value.user as string) : "";
  const arn = USER_ARN.exec(userName);
  if (ok("user") && arn !== null) {
    userName = arn[3] as string;
    if (ok("account") && arn[2] !== value.account) {
      at("user", `the ARN's account ${arn[2]} is not the entry's account ${String(value.account)}`);
    }
  }
  if (ok("approvedAt") && ok("expires")) {
    const approvedMs = epochMsOrNull(value.approvedAt) ?? Number.NaN;
    const expiresMs = epochMsOrNull(value.expires) ?? Number.NaN;
    const windowDays = (expiresMs - approvedMs) / MS_PER_DAY;
    if (expiresMs <= approvedMs) {
      at("expires", `${value.expires} is not after approvedAt ${value.approvedAt}`);
    } else if (windowDays > opts.maxWindowDays) {
      at(
        "expires",
        `the exception lasts ${windowDays.toFixed(1)} days from approvedAt ${value.approvedAt} to ${value.expires}, ` +
          `more than the allowed ${opts.maxWindowDays} days; shorten it and renew it when it expires`,
      );
    }
  }
  if (ok("approvedAt") && (epochMsOrNull(value.approvedAt) ?? Number.NaN) > nowMs + CLOCK_SKEW_MS) {
    at("approvedAt", `${value.approvedAt} is in the future; an approval cannot precede its own date`);
  }
  if (errors.length > 0 || !result.success) return errors;
  const entry = result.data;
  return {
    account: entry.account,
    user: userName,
    ...(entry.accessKeyId !== undefined ? { accessKeyId: entry.accessKeyId } : {}),
    reason: entry.reason,
    approver: entry.approver,
    ticket: entry.ticket,
    approvedAt: entry.approvedAt,
    expires: entry.expires,
  };
}

/** "exception for 123456789012/alice (key ****************WXYZ)" — the words every message about an entry uses. */
export function describeException(e: AccessKeyException): string {
  const key = e.accessKeyId === undefined ? "all keys" : `key ${maskAccessKeyId(e.accessKeyId)}`;
  return `exception for ${e.account}/${e.user} (${key}, ticket ${e.ticket})`;
}

function expiryWarning(e: AccessKeyException, where: string, nowMs: number): string[] {
  const expiresMs = epochMsOrNull(e.expires) ?? Number.NEGATIVE_INFINITY;
  if (expiresMs <= nowMs) {
    return [`${where}: ${describeException(e)} expired on ${e.expires}; it no longer covers anything (history only)`];
  }
  const days = Math.floor((expiresMs - nowMs) / MS_PER_DAY);
  if (expiresMs - nowMs > EXPIRY_WARNING_DAYS * MS_PER_DAY) return [];
  const when = days === 0 ? "in less than a day" : `in ${days} day${days === 1 ? "" : "s"}`;
  return [`${where}: ${describeException(e)} expires on ${e.expires}, ${when}; rotate the key or renew the approval`];
}
