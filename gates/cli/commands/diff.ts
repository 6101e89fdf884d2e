/**
 * `guardrails diff <base> [head]`: guardrail changes between two cdktf synth outputs or
 * `terraform show -json` plans (one plan: its before against its after).
 * Exit 1 when anything is weakened (unless --allow-weakening), 2 on input it cannot interpret
 * (the path and why on stderr), else 0.
 */
import { Command, Option } from "commander";
import { diffGuardrails, exitCodeForReport, loadInputs, renderReport, type OutputFormat } from "../../diff/index";
import { DiffInputError } from "../../diff/model";

/** The streams the command writes to; the CLI's CliIo satisfies it. */
export interface DiffIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Relative paths resolve against this (default: the process's cwd). */
  cwd?: string;
}

export interface DiffOptions {
  output: OutputFormat;
  allowWeakening: boolean;
}

export const DIFF_EXIT = { OK: 0, WEAKENED: 1, BAD_INPUT: 2 } as const;

/** Runs the diff and returns the exit code; bad input is exit 2, never a thrown error or "no change". */
export function runDiff(paths: readonly string[], options: DiffOptions, io: DiffIo): number {
  try {
    // Paths stay as given (relative to io.cwd): reports go into PR comments, where a runner's
    // absolute checkout paths mean nothing.
    const { base, head } = loadInputs(paths, io.cwd ?? process.cwd());
    const report = diffGuardrails(base, head);
    io.stdout(renderReport(report, options.output));
    return exitCodeForReport(report, options.allowWeakening);
  } catch (e) {
    if (!(e instanceof DiffInputError)) throw e;
    io.stderr(`guardrails diff: bad input: ${e.path}: ${e.reason}\n`);
    return DIFF_EXIT.BAD_INPUT;
  }
}

const HELP = `
Inputs: cdktf synth output directories (cdktf.out, or a project directory containing one), or
terraform show -json plan files. Resources are matched by what they are (SCP name, rule name,
target id), not by construct id, so renames are no change.

Exit codes: 0 nothing weakened · 1 a guardrail is weakened (0 with --allow-weakening) · 2 bad input

Examples:
  guardrails diff base/cdktf.out head/cdktf.out --output markdown >> "$GITHUB_STEP_SUMMARY"
  terraform show -json tfplan > plan.json && guardrails diff plan.json
`;

/** The `diff` subcommand; `setExit` receives the exit code (the program decides how to exit). */
export function diffCommand(io: DiffIo, setExit: (code: number) => void): Command {
  return new Command("diff")
    .description("guardrails weakened or strengthened between two synth outputs or plan JSON files")
    .argument("<base>", "base: cdktf.out directory or plan JSON file (alone: a plan, before vs after)")
    .argument("[head]", "head: cdktf.out directory or plan JSON file")
    .addOption(new Option("--output <format>", "output format").choices(["markdown", "text", "json"]).default("text"))
    .option("--allow-weakening", "exit 0 even when a guardrail is weakened (the report still lists it)", false)
    .addHelpText("after", HELP)
    .action((base: string, head: string | undefined, options: DiffOptions) => {
      setExit(runDiff(head === undefined ? [base] : [base, head], options, io));
    });
}

/** Registers `diff` on the `guardrails` program (gates/cli/program.ts COMMANDS). */
export function registerDiff(program: Command, io: DiffIo, setExit: (code: number) => void): void {
  // addCommand (unlike program.command) does not inherit the program's output: help and usage
  // errors would bypass the CLI's streams and masking.
  program.addCommand(diffCommand(io, setExit).configureOutput(program.configureOutput()));
}
