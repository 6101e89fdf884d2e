/** Each command's --help documents its own exit codes: verify's are not the check command's verdicts. */
import { runCli } from "../../gates/cli/program";
import type { CliIo } from "../../gates/cli/io";

async function help(args: string[]): Promise<{ code: number; stdout: string }> {
  const out: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: () => undefined, stderrIsTTY: false, env: {}, cwd: "/" };
  const code = await runCli([...args, "--help"], io);
  return { code, stdout: out.join("") };
}

describe("command help footers", () => {
  it.each([
    // [command, text its help must show, text it must not show]
    [["check"], "3  INCONCLUSIVE", "verify:"],
    [["promote"], "promote: PASS but tagging or moving failed", "bundle intact"],
    [["sweep"], "Exit code is the worst account's", "0  intact"],
    [["verify"], "0  intact", "INCONCLUSIVE"],
    [["verify"], "2  usage error the file cannot be read", "production-ready"],
    [["diff"], "1 a guardrail is weakened", "INCONCLUSIVE"],
    [["preflight"], "0  ready: every prerequisite holds", "production-ready"],
  ] as [string[], string, string][])("%j --help shows %j and not %j", async (args, shown, absent) => {
    const r = await help(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(shown);
    expect(r.stdout).not.toContain(absent);
  });

  it("shows the exit table once per help page", async () => {
    for (const cmd of ["check", "verify", "diff", "preflight"]) {
      const r = await help([cmd]);
      expect(r.stdout.match(/Exit codes/g)).toHaveLength(1);
    }
  });
});
