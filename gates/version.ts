/**
 * The gate's version: one source of truth for `guardrails --version` and every evidence bundle's
 * `gate.version`, read from the nearest package.json of this package (works from src, dist and an
 * installed copy under node_modules/@cis-guardrails/gate).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/** The product name evidence bundles record as gate.name (stable for auditors across package renames). */
export const GATE_NAME = "cis-guardrails";
/** The npm package name (package.json): scoped, so `npx` never resolves a stranger's package. */
export const PACKAGE_NAME = "@cis-guardrails/gate";

let cached: string | undefined;

export function gateVersion(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") return (cached = pkg.version);
    }
    dir = dirname(dir);
  }
  return (cached = "unknown");
}
