import { TerraformStack, Testing } from "cdktf";
import type { Construct } from "constructs";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EXAMPLE_CONFIG, parseConfigOrThrow, type GuardrailsConfig, type GuardrailsConfigInput } from "../../modules/config";
import { buildApp, renderSummary, type GuardrailsApp } from "../../modules/stacks";

/**
 * One fixed outdir for every Testing app of the suite (cdktf makes its empty stacks folder there):
 * Testing.synthScope would create a new temp folder per synth and leave it behind.
 */
export const TEST_OUTDIR = join(tmpdir(), "guardrails-test-outdir");

export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- synthesized JSON in tests only

/** Synthesizes what `build` adds to a scope and returns the parsed Terraform JSON. */
export function synth(build: (scope: Construct) => void): Json {
  const stack = new TerraformStack(Testing.app({ outdir: TEST_OUTDIR }), "stack");
  build(stack);
  return JSON.parse(Testing.synth(stack)) as Json;
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

export interface SynthesizedStacks {
  readonly management: Json;
  readonly securityTooling: Json;
  readonly manifest: Json;
  readonly summary: string;
  readonly built: GuardrailsApp;
}

const synthDirs: string[] = [];
/** Removes every directory synthStacks created (call from afterAll). */
export function removeSynthDirs(): void {
  for (const dir of synthDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Both stacks as `cdktf synth` writes them (cdk.tf.json), the manifest and the pre-deploy summary. */
export function synthStacks(config: GuardrailsConfig): SynthesizedStacks {
  const outdir = mkdtempSync(join(tmpdir(), "guardrails-stacks-"));
  synthDirs.push(outdir);
  const built = buildApp(config, outdir);
  built.app.synth();
  const read = (path: string): Json => JSON.parse(readFileSync(join(outdir, path), "utf8")) as Json;
  return {
    management: read("stacks/management/cdk.tf.json"),
    securityTooling: read("stacks/security-tooling/cdk.tf.json"),
    manifest: read("manifest.json"),
    summary: renderSummary(built, config, outdir),
    built,
  };
}

/** The address (`type.id`) of the single resource of a type whose body matches, for depends_on checks. */
export function addressOf(json: Json, type: string, matches: (body: Json) => boolean = () => true): string {
  const ids = Object.entries((json.resource?.[type] ?? {}) as Record<string, Json>).filter(([, body]) => matches(body)).map(([id]) => id);
  if (ids.length !== 1) throw new Error(`expected exactly one matching ${type}, found ${ids.length}`);
  return `${type}.${ids[0]}`;
}
