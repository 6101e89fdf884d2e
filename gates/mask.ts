/**
 * Masking of access key ids (DESIGN.md section 5: "masked to their last 4 characters in every
 * output and bundle"). Format chosen: every character but the last 4 becomes `*`, so a 20-char
 * AKIA id becomes `****************WXYZ` (same length, still recognisable in a console listing).
 */

/**
 * AWS unique-id prefixes (access keys AKIA/ASIA, users AIDA, roles AROA, groups AGPA, policies
 * ANPA/ANVA, instance profiles AIPA, certificates ASCA, public keys APKA, bearer tokens ABIA,
 * context ACCA). Key ids are 16-128 chars; in practice 20. No leading word boundary on purpose:
 * an id glued to other text (`key=AKIA…`, `idAKIA…`) must still be masked (fail closed).
 */
const AWS_UNIQUE_ID = /(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ASCA|APKA|ABIA|ACCA)[A-Z0-9]{12,124}/g;

const KEEP = 4;

/** `AKIAIOSFODNN7EXAMPLE` -> `****************MPLE`. Ids of 4 chars or fewer are fully masked. */
export function maskAccessKeyId(accessKeyId: string): string {
  if (accessKeyId.length <= KEEP) return "*".repeat(accessKeyId.length);
  return "*".repeat(accessKeyId.length - KEEP) + accessKeyId.slice(-KEEP);
}

/** Masks every AWS access-key-like id in arbitrary text (log lines, reasons, JSON, XML). */
export function maskSecrets(text: string): string {
  return text.replace(AWS_UNIQUE_ID, (id) => maskAccessKeyId(id));
}

/** True when `text` still contains an unmasked access-key-like id (used by bundle verification). */
export function containsUnmaskedKeyId(text: string): boolean {
  AWS_UNIQUE_ID.lastIndex = 0;
  const found = AWS_UNIQUE_ID.test(text);
  AWS_UNIQUE_ID.lastIndex = 0;
  return found;
}
