/**
 * Synthesizes the guardrail stacks into cdktf.out/ and prints a pre-deploy summary.
 * Config: the file named by GUARDRAILS_CONFIG, else ./guardrails.config.json, else the embedded example.
 * Invalid config: every error printed, exit 2, no construct built.
 */
import { existsSync, readFileSync } from "node:fs";
import { EXAMPLE_CONFIG, validateConfig } from "./modules/config";
import { buildApp, renderSummary } from "./modules/stacks";

export { validateConfig } from "./modules/config";
export { buildApp } from "./modules/stacks";

function loadRawConfig(): { source: string; raw: unknown } {
  const path = process.env.GUARDRAILS_CONFIG ?? (existsSync("guardrails.config.json") ? "guardrails.config.json" : undefined);
  if (path === undefined) return { source: "embedded example organization", raw: EXAMPLE_CONFIG };
  return { source: path, raw: JSON.parse(readFileSync(path, "utf8")) as unknown };
}

/** Exit code of `npm start` (exported for the tests, which run it in process). */
export function main(): number {
  let loaded: { source: string; raw: unknown };
  try {
    loaded = loadRawConfig();
  } catch (error) {
    console.error(`cannot read guardrails config: ${(error as Error).message}`);
    return 2;
  }
  const result = validateConfig(loaded.raw);
  if ("errors" in result) {
    console.error(`invalid guardrails config (${loaded.source}), ${result.errors.length} errors:`);
    for (const error of result.errors) console.error(`  ${error}`);
    return 2;
  }
  const outdir = process.env.CDKTF_OUTDIR ?? "cdktf.out";
  try {
    const built = buildApp(result.config, outdir);
    built.app.synth();
    console.log(`config: ${loaded.source}`);
    console.log(renderSummary(built, result.config, outdir));
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  }
  return 0;
}

if (require.main === module) process.exitCode = main();
