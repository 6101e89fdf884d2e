/**
 * `guardrails verify <file>`: recomputes a bundle's, a remediation bundle's or an index's digest and validates
 * its schema. For an index, every bundle it names must exist, verify on its own, and match the entry.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { containsUnmaskedKeyId } from "../mask";
import { canonicalJson, digestWithoutField } from "./digest";
import { remediationBundleSchema } from "./remediation-schema";
import { bundleSchema, indexSchema, type EvidenceIndex } from "./schema";

export interface VerifyResult {
  ok: boolean;
  errors: string[];
  kind: "bundle" | "index" | "remediation";
  /** The digest recorded in the file (when readable). */
  sha256: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function verifyBundleFile(path: string): VerifyResult {
  let content: string;
  try {
    content = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, errors: [`${path}: cannot be read (${error instanceof Error ? error.message : String(error)})`], kind: "bundle", sha256: null };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    return { ok: false, errors: [`${path}: not JSON (${error instanceof Error ? error.message : String(error)})`], kind: "bundle", sha256: null };
  }
  if (!isRecord(parsed)) return { ok: false, errors: [`${path}: not a JSON object`], kind: "bundle", sha256: null };
  const kind = parsed["kind"] === "index" ? "index" : parsed["kind"] === "remediation" ? "remediation" : "bundle";
  const recorded = typeof parsed["sha256"] === "string" ? parsed["sha256"] : null;
  const errors: string[] = [];

  const schema = kind === "index" ? indexSchema : kind === "remediation" ? remediationBundleSchema : bundleSchema;
  const check = schema.safeParse(parsed);
  if (!check.success) {
    for (const issue of check.error.issues) errors.push(`${path}: schema: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const recomputed = digestWithoutField(parsed);
  if (recorded !== recomputed) errors.push(`${path}: digest mismatch: recorded ${recorded ?? "none"}, recomputed ${recomputed} (the file was changed after it was written)`);
  if (content.replace(/\n$/, "") !== canonicalJson(parsed)) errors.push(`${path}: not in RFC 8785 canonical form (edited after it was written?)`);
  if (containsUnmaskedKeyId(content)) errors.push(`${path}: contains an unmasked access key id`);

  if (kind === "index" && check.success) errors.push(...verifyIndexEntries(path, check.data as EvidenceIndex));
  return { ok: errors.length === 0, errors, kind, sha256: recorded };
}

function verifyIndexEntries(indexPath: string, index: EvidenceIndex): string[] {
  const errors: string[] = [];
  for (const entry of index.entries) {
    const bundlePath = isAbsolute(entry.path) ? entry.path : join(dirname(indexPath), entry.path);
    const label = `${indexPath}: entry ${entry.accountId} (${entry.path})`;
    if (!existsSync(bundlePath)) {
      errors.push(`${label}: bundle file is missing`);
      continue;
    }
    const result = verifyBundleFile(bundlePath);
    if (result.kind !== "bundle") errors.push(`${label}: names ${result.kind === "index" ? "an index" : "a remediation bundle"}, not a check bundle`);
    errors.push(...result.errors.map((e) => `${label}: ${e}`));
    if (result.sha256 !== entry.sha256) errors.push(`${label}: bundle digest ${result.sha256 ?? "none"} differs from the index's ${entry.sha256}`);
    try {
      const bundle = JSON.parse(readFileSync(bundlePath, "utf8")) as Record<string, unknown>;
      for (const field of ["accountId", "verdict", "checkedAt"] as const) {
        if (bundle[field] !== entry[field]) errors.push(`${label}: bundle ${field} ${String(bundle[field])} differs from the index's ${entry[field]}`);
      }
    } catch {
      // already reported by verifyBundleFile
    }
  }
  return errors;
}
