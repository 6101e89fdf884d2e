/**
 * The organization config file, read by the gate with the MODULES' schema (modules/config/validate):
 * the gate and `cdktf deploy` can never read the same file differently. Unknown keys, unknown regions
 * and every other problem are reported all at once, each with its path and value; the CLI turns that
 * into exit 2 before any request. The gate then uses a subset of the resolved config (defaults applied).
 *
 * Only the pure schema files are imported (schema, validate, regions: zod and modules/constants),
 * never modules/config/index.ts or anything that loads cdktf: the schema is a shared contract, like
 * modules/constants.ts.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { GuardrailsConfig } from "../modules/config/schema";
import { validateConfig } from "../modules/config/validate";

export type GateConfig = GuardrailsConfig;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/**
 * Parses and validates config text; `file` names the source in messages. `now` judges expiring
 * disables exactly as synth does. Throws ConfigError listing every problem, one per line.
 */
export function parseGateConfig(text: string, file: string, now: Date = new Date()): GateConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const result = validateConfig(json, { now });
  if ("errors" in result) {
    const count = result.errors.length === 1 ? "1 error" : `${result.errors.length} errors`;
    throw new ConfigError([`${file}: invalid guardrails config (${count}; the same schema cdktf deploy uses):`, ...result.errors.map((e) => `${file}: ${e}`)].join("\n"));
  }
  return result.config;
}

export interface LoadedConfig {
  config: GateConfig;
  /** sha256 of the file's bytes, recorded in evidence bundles. */
  digest: string;
}

export function loadGateConfig(file: string, now: Date = new Date()): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(`${file}: cannot read the config file (${code})`);
  }
  return { config: parseGateConfig(text, file, now), digest: createHash("sha256").update(text).digest("hex") };
}
