import { CommanderError } from "commander";
import { diffCommand } from "../../gates/cli/commands/diff";
import { BASE, synthMini } from "./fixtures";

const baseDir = synthMini(BASE);
const weakerDir = synthMini({ ...BASE, maxAccessKeyAge: "120" });

function run(args: string[]): { code: number | undefined; stdout: string; stderr: string } {
  let code: number | undefined;
  const out: string[] = [];
  const err: string[] = [];
  const cmd = diffCommand({ stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd: "/" }, (c) => (code = c));
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

  it("resolves relative paths against the CLI's cwd and names the bad one", () => {
    const result = run(["does-not-exist", baseDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/does-not-exist: no such file or directory");
  });

  it("rejects an unknown output format as a usage error", () => {
    expect(() => run([baseDir, baseDir, "--output", "xml"])).toThrow(CommanderError);
  });
});
