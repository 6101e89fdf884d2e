/**
 * Synth benchmark: the embedded example and a 17-region organization, each synthesized in a fresh child
 * process (so module loading counts and each peak RSS is its own). Prints "measured vs goal" lines.
 * Goals (issue 3): example < 2 s, 17 regions < 4 s, peak RSS < 400 MiB.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

interface Measurement {
  scenario: string;
  resources: number;
  synthMs: number;
  peakRssMiB: number;
}

const GOALS: Record<string, number> = { example: 2000, "17-regions": 4000 };
const PEAK_GOAL_MIB = 400;

function runScenario(scenario: string): void {
  const started = process.hrtime.bigint();
  // Loaded here, not at the top: module loading is part of what a `cdktf synth` pays.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { EXAMPLE_CONFIG, DEFAULT_ENABLED_COMMERCIAL_REGIONS, parseConfigOrThrow } = require("../modules/config") as typeof import("../modules/config");
  const { buildApp, resourceCounts } = require("../modules/stacks") as typeof import("../modules/stacks");
  const raw = scenario === "17-regions"
    ? { ...EXAMPLE_CONFIG, homeRegion: "us-east-1", governedRegions: [...DEFAULT_ENABLED_COMMERCIAL_REGIONS] }
    : EXAMPLE_CONFIG;
  const outdir = mkdtempSync(join(tmpdir(), "guardrails-bench-"));
  try {
    const built = buildApp(parseConfigOrThrow(raw), outdir);
    built.app.synth();
    const synthMs = Number(process.hrtime.bigint() - started) / 1e6;
    const resources = Object.values(resourceCounts(outdir)).flatMap((c) => Object.values(c)).reduce((a, b) => a + b, 0);
    const measurement: Measurement = { scenario, resources, synthMs, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
    process.stdout.write(JSON.stringify(measurement));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function main(): number {
  let failed = false;
  for (const scenario of Object.keys(GOALS)) {
    const wallStart = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [__filename, "--scenario", scenario], { encoding: "utf8" });
    const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
    if (child.status !== 0) {
      console.log(`${scenario}: failed\n${child.stderr}`);
      failed = true;
      continue;
    }
    const m = JSON.parse(child.stdout) as Measurement;
    const goal = GOALS[scenario]!;
    const timeOk = wallMs < goal;
    const memOk = m.peakRssMiB < PEAK_GOAL_MIB;
    failed ||= !timeOk || !memOk;
    console.log(`${scenario} (${m.resources} resources): synth wall ${(wallMs / 1000).toFixed(2)} s vs goal < ${goal / 1000} s ${timeOk ? "OK" : "MISSED"} (in-process load+synth ${(m.synthMs / 1000).toFixed(2)} s)`);
    console.log(`${scenario}: peak RSS ${m.peakRssMiB.toFixed(0)} MiB vs goal < ${PEAK_GOAL_MIB} MiB ${memOk ? "OK" : "MISSED"}`);
  }
  return failed ? 1 : 0;
}

const scenarioFlag = process.argv.indexOf("--scenario");
if (scenarioFlag >= 0) runScenario(process.argv[scenarioFlag + 1] ?? "example");
else process.exitCode = main();
