/** Canonical JSON (RFC 8785) and sha256 digests for bundles, indexes and configs. */
import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { maskSecrets } from "../mask";

export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new Error("value has no JSON representation");
  return text;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Digest of an object's canonical form without its own `sha256` field (the field holds it). */
export function digestWithoutField(value: { sha256?: unknown } & Record<string, unknown>): string {
  const { sha256: _ignored, ...rest } = value;
  void _ignored;
  return sha256Hex(canonicalJson(rest));
}

/** sha256 over the canonical form of the gate's effective configuration (recorded in bundles). */
export function configDigest(config: unknown): string {
  return sha256Hex(canonicalJson(config));
}

/** Deep copy with every string passed through maskSecrets (keys included). */
export function maskDeep<T>(value: T): T {
  if (typeof value === "string") return maskSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskDeep(v)) as T;
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [maskSecrets(k), maskDeep(v)])) as T;
  }
  return value;
}
