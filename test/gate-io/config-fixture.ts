/**
 * A complete organization config for gate tests, derived from the modules' embedded example: the gate
 * reads --config with the modules' schema, so a test config must be one `cdktf deploy` would accept.
 * Its accounts are the local endpoint's example organization (management 111111111111, tooling 222222222222).
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { EXAMPLE_CONFIG, type GuardrailsConfigInput } from "../../modules/config";

export function gateTestConfig(over: Partial<GuardrailsConfigInput> = {}): GuardrailsConfigInput {
  return { ...structuredClone(EXAMPLE_CONFIG), homeRegion: "us-east-1", ...over };
}

/** Writes `config` (any JSON, valid or not) as `<dir>/<name>` and returns the path. */
export function writeConfig(dir: string, name: string, config: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return path;
}
