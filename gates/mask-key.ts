/**
 * Access key ids are masked to their last 4 characters in every output and bundle (DESIGN.md section 5).
 * Kept in its own file so the lead can merge it with any other masking helper later.
 */

/** "AKIAIOSFODNN7EXAMPLE" -> "…MPLE". Short or empty input still yields no more than 4 characters. */
export function maskAccessKeyId(accessKeyId: string): string {
  return `…${accessKeyId.slice(-4)}`;
}

/**
 * Anything shaped like an access key id (long-term AKIA or temporary ASIA) in free text, e.g. an
 * error message relayed from AWS. Global: use with `replace`, never with `test` (lastIndex state).
 */
const ACCESS_KEY_ID_IN_TEXT = /\b(?:AKIA|ASIA)[A-Z0-9]{12,124}\b/g;

/** Masks every access-key-id-shaped token in `text`; belt and braces for messages we relay. */
export function redactAccessKeyIds(text: string): string {
  return text.replace(ACCESS_KEY_ID_IN_TEXT, (id) => maskAccessKeyId(id));
}
