/**
 * Test-suite timing: runs jest once (JSON reporter) and prints the whole suite's wall time and
 * the slowest test file's share of it. Goal: whole suite under 60 s on this 2-core machine.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

interface JestFileResult {
  name: string;
  startTime: number;
  endTime: number;
}
interface JestJson {
  success: boolean;
  numTotalTests: number;
  testResults: JestFileResult[];
}

const root = resolve(__dirname, "..", "..");
const outDir = mkdtempSync(join(tmpdir(), "suite-bench-"));
const outFile = join(outDir, "jest.json");
const started = process.hrtime.bigint();
const run = spawnSync(process.execPath, [require.resolve("jest/bin/jest", { paths: [root] }), "--json", `--outputFile=${outFile}`, "--silent"], {
  cwd: root,
  stdio: ["ignore", "ignore", "ignore"],
});
const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
try {
  const result = JSON.parse(readFileSync(outFile, "utf8")) as JestJson;
  const files = result.testResults.map((f) => ({ name: relative(root, f.name), ms: f.endTime - f.startTime }));
  files.sort((a, b) => b.ms - a.ms);
  const slowest = files[0];
  console.log(`test suite: ${files.length} files, ${result.numTotalTests} tests, ${result.success ? "passing" : "FAILING"}`);
  console.log(`whole suite wall time: ${(wallMs / 1000).toFixed(1)} s (goal < 60 s)`);
  if (slowest) {
    console.log(`slowest file: ${slowest.name} ${(slowest.ms / 1000).toFixed(2)} s; ratio to whole suite ${(slowest.ms / wallMs).toFixed(2)}`);
  }
  for (const f of files.slice(1, 5)) console.log(`  next: ${f.name} ${(f.ms / 1000).toFixed(2)} s`);
  process.exitCode = run.status === 0 ? 0 : 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
