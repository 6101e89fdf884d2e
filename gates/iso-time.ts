/**
 * Strict ISO 8601 timestamps for decisions. `Date.parse` alone is too lenient for a gate: it reads
 * "2026-12-31" as midnight UTC and "2026-12-31T10:00:00" in the machine's local zone, so the same file
 * would mean different instants on different runners. Here an instant must carry its offset.
 */

export type TimestampProblem = "bare-date" | "no-offset" | "malformed" | "out-of-range";
export type ParsedTimestamp = { ok: true; epochMs: number } | { ok: false; problem: TimestampProblem };

const WITH_OFFSET =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-](\d{2}):(\d{2}))$/;
const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
const WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Parses an ISO 8601 timestamp that has an offset (`Z` or `±hh:mm`); says why when it cannot. */
export function parseTimestampWithOffset(text: string): ParsedTimestamp {
  const m = WITH_OFFSET.exec(text);
  if (m === null) {
    if (BARE_DATE.test(text)) return { ok: false, problem: "bare-date" };
    if (WITHOUT_OFFSET.test(text)) return { ok: false, problem: "no-offset" };
    return { ok: false, problem: "malformed" };
  }
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number, number, number, number, number,
  ];
  const second = Number(m[6] ?? "0");
  const offsetHours = Number(m[9] ?? "0");
  const offsetMinutes = Number(m[10] ?? "0");
  const inRange =
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) &&
    hour <= 23 && minute <= 59 && second <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  if (!inRange) return { ok: false, problem: "out-of-range" };
  const epochMs = Date.parse(text.replace(/[tz]/g, (c) => c.toUpperCase()));
  return Number.isNaN(epochMs) ? { ok: false, problem: "malformed" } : { ok: true, epochMs };
}

/** The epoch milliseconds of a timestamp with offset, or null when it is not one. */
export function epochMsOrNull(text: string | null | undefined): number | null {
  if (typeof text !== "string") return null;
  const parsed = parseTimestampWithOffset(text);
  return parsed.ok ? parsed.epochMs : null;
}

export const MS_PER_DAY = 86_400_000;
