/**
 * `npm run bench`: runs every compiled `bench/*.bench.js` as its own process (so each measures
 * its own peak memory) and passes its output through. Each benchmark prints its measured ratios
 * with the goal beside each.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const only = process.argv.slice(2);
const files = readdirSync(__dirname)
  .filter((f) => f.endsWith(".bench.js"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file.replace(/\.bench\.js$/, "")} ===`);
  // The pinned SDK warns that its future releases need Node 22; the CLI turns that off too.
  const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] ?? "true" };
  const run = spawnSync(process.execPath, ["--expose-gc", join(__dirname, file)], { stdio: "inherit", env });
  if (run.status !== 0) failed++;
}
if (files.length === 0) console.log("no benchmarks found");
process.exit(failed === 0 ? 0 : 1);
