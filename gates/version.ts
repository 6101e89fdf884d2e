/**
 * The gate's version: one source of truth for `guardrails --version` and every evidence bundle's
 * `gate.version`, read from the nearest package.json named cis-guardrails (works from src and dist).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const GATE_NAME = "cis-guardrails";

let cached: string | undefined;

export function gateVersion(): string {
  if (cached !== undefined) return cached;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, "package.json");
    if (existsSync(candidate)) {
      const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: unknown; version?: unknown };
      if (pkg.name === GATE_NAME && typeof pkg.version === "string") return (cached = pkg.version);
    }
    dir = dirname(dir);
  }
  return (cached = "unknown");
}
