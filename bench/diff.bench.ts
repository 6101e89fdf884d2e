/**
 * Diff time for two syntheses of the example organization governing the 17 default-enabled
 * regions (goal < 1 s): base, and head with one change (maxAccessKeyAge 90 → 120). Synth is not
 * timed; diffGuardrails is, as a PR check runs it on every push. Loading is reported beside it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULT_ENABLED_COMMERCIAL_REGIONS, EXAMPLE_CONFIG, parseConfigOrThrow, type GuardrailsConfigInput } from "../modules/config";
import { buildApp } from "../modules/stacks";
import { diffGuardrails } from "../gates/diff/index";
import { loadSynthDirectory } from "../gates/diff/load";

const GOAL_MS = 1000;

function synth17Regions(maxAccessKeyAgeDays: number): string {
  const input: GuardrailsConfigInput = {
    ...structuredClone(EXAMPLE_CONFIG),
    homeRegion: "us-east-1",
    governedRegions: [...DEFAULT_ENABLED_COMMERCIAL_REGIONS],
  };
  input.awsConfig = { ...input.awsConfig, maxAccessKeyAgeDays };
  const outdir = mkdtempSync(join(tmpdir(), "guardrails-diff-bench-"));
  buildApp(parseConfigOrThrow(input), outdir).app.synth();
  return outdir;
}

const baseDir = synth17Regions(90);
const headDir = synth17Regions(120);
const diffTimes: number[] = [];
const loadTimes: number[] = [];
let resources = 0;
let weakened = 0;
for (let run = 0; run < 5; run++) {
  const loadStart = performance.now();
  const base = loadSynthDirectory(baseDir);
  const head = loadSynthDirectory(headDir);
  loadTimes.push(performance.now() - loadStart);
  const start = performance.now();
  const report = diffGuardrails(base, head);
  diffTimes.push(performance.now() - start);
  resources = base.resources.length + head.resources.length;
  weakened = report.counts.weakened;
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`${DEFAULT_ENABLED_COMMERCIAL_REGIONS.length} governed regions, ${resources} resources in base + head, ${weakened} weakening(s) found (expected 1)`);
console.log(`diff ${median(diffTimes).toFixed(1)} ms (goal < ${GOAL_MS} ms; median of ${diffTimes.length}, diffGuardrails only)`);
console.log(`load both synth dirs ${median(loadTimes).toFixed(1)} ms (not part of the goal)`);
rmSync(baseDir, { recursive: true, force: true });
rmSync(headDir, { recursive: true, force: true });
process.exit(median(diffTimes) < GOAL_MS && weakened === 1 ? 0 : 1);
