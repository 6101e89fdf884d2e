/**
 * Scratch directories for synth outputs and plan files: all under one root per test file, removed after
 * the file's tests (the diff suites synthesize dozens of trees; none should outlive the run).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let root: string | undefined;

export function scratchDir(prefix: string): string {
  if (root === undefined) {
    const created = mkdtempSync(join(tmpdir(), "guardrails-diff-tests-"));
    root = created;
    afterAll(() => {
      rmSync(created, { recursive: true, force: true });
      root = undefined;
    });
  }
  return mkdtempSync(join(root, prefix));
}
