/** Timestamp helpers shared by the pure decisions. Only offset-qualified ISO 8601 is trusted. */

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * Epoch milliseconds of an ISO 8601 timestamp that carries `Z` or `±hh:mm`; null otherwise.
 * A timestamp without an offset is ambiguous (local time of whom?), so it is unknown, not guessed.
 */
export function parseIsoWithOffset(value: string | null | undefined): number | null {
  if (typeof value !== "string" || !ISO_WITH_OFFSET.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export const HOUR_MS = 3_600_000;

/** "3 h 12 min" style age for reasons a pipeline log reader can take in at a glance. */
export function describeAge(ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  if (hours >= 1) return `${hours} h ${minutes % 60} min`;
  return `${minutes} min`;
}
