import { Testing } from "cdktf";
import type { Construct } from "constructs";
import { EXAMPLE_CONFIG, parseConfigOrThrow, type GuardrailsConfig, type GuardrailsConfigInput } from "../../modules/config";

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized JSON in tests only

/** Synthesizes what `build` adds to a scope and returns the parsed Terraform JSON. */
export function synth(build: (scope: Construct) => void): Json {
  return JSON.parse(Testing.synthScope(build)) as Json;
}

/** Every resource of a type, bodies only, without cdktf's "//" metadata, in id order. */
export function resourcesOf(json: Json, type: string): Json[] {
  const byId = (json.resource?.[type] ?? {}) as Record<string, Json>;
  return Object.keys(byId).sort().map((id) => {
    const { ["//"]: _metadata, ...body } = byId[id]!;
    return body;
  });
}

/** The single resource of a type; fails the test if there is not exactly one. */
export function onlyResource(json: Json, type: string): Json {
  const all = resourcesOf(json, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0]!;
}

export const NOW = new Date("2026-11-24T00:00:00Z");

/** The example config with overrides, validated (defaults applied). */
export function exampleConfig(overrides: Partial<GuardrailsConfigInput> = {}): GuardrailsConfig {
  return parseConfigOrThrow({ ...EXAMPLE_CONFIG, ...overrides }, { now: NOW });
}
