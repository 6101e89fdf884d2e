import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CommanderError } from "commander";
import { diffCommand } from "../../gates/cli/commands/diff";
import { BASE, synthMini } from "./fixtures";
import { scratchDir } from "./scratch";

const baseDir = synthMini(BASE);
const weakerDir = synthMini({ ...BASE, maxAccessKeyAge: "120" });

function run(args: string[], cwd = "/"): { code: number | undefined; stdout: string; stderr: string } {
  let code: number | undefined;
  const out: string[] = [];
  const err: string[] = [];
  const cmd = diffCommand({ stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd }, (c) => (code = c));
  cmd.exitOverride().configureOutput({ writeOut: (t) => out.push(t), writeErr: (t) => err.push(t) });
  cmd.parse(args, { from: "user" });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("guardrails diff command", () => {
  it.each([
    [[baseDir, weakerDir, "--output", "markdown"], 1, "Guardrails WEAKENED"],
    [[baseDir, weakerDir, "--allow-weakening"], 0, "WEAKENED"],
    [[baseDir, baseDir, "--output", "json"], 0, '"verdict": "unchanged"'],
  ] as [string[], number, string][])("%j → exit %d", (args, code, text) => {
    const result = run(args);
    expect(result.code).toBe(code);
    expect(result.stdout).toContain(text);
  });

  it("resolves relative paths against the CLI's cwd and names the bad one as given", () => {
    const result = run(["does-not-exist", baseDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("guardrails diff: bad input: does-not-exist: no such file or directory\n");
  });

  describe("paths in reports are the ones given (a PR comment never shows a runner's checkout path)", () => {
    const work = scratchDir("runner-");
    symlinkSync(baseDir, join(work, "base"));
    symlinkSync(weakerDir, join(work, "head"));
    writeFileSync(join(work, "plan.json"), JSON.stringify({ format_version: "1.2", planned_values: { root_module: {} } }));

    it.each([
      [["base", "head", "--output", "markdown"], "base `base` → head `head`"],
      [["./base", "head", "--output", "json"], '"base": "./base"'],
      [["plan.json", "--output", "markdown"], "base `plan.json (before)` → head `plan.json (after)`"],
      [["plan.json", "--output", "text"], "No guardrail changes."],
    ])("%j", (args, shown) => {
      const result = run(args, work);
      expect(result.stdout).toContain(shown);
      expect(result.stdout).not.toContain(work);
      expect(result.stdout).not.toContain(tmpdir());
    });

    it("errors inside an input name the file relative to the argument", () => {
      mkdirSync(join(work, "broken"));
      writeFileSync(join(work, "broken", "manifest.json"), JSON.stringify({ stacks: { x: { name: "x", synthesizedStackPath: "stacks/x/cdk.tf.json" } } }));
      const result = run(["base", "broken"], work);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe('guardrails diff: bad input: broken/stacks/x/cdk.tf.json: cannot read stack "x" (ENOENT)\n');
    });
  });

  it("rejects an unknown output format as a usage error", () => {
    expect(() => run([baseDir, baseDir, "--output", "xml"])).toThrow(CommanderError);
  });
});
