/**
 * `guardrails diff <base> [head]`: guardrail changes between two synth outputs or plan JSON files.
 * Exit 1 when anything is weakened (unless --allow-weakening), 2 on input it cannot interpret, else 0.
 */
import { Command, Option } from "commander";
import { diffGuardrails, exitCodeForReport, loadInputs, renderReport, type OutputFormat } from "../../diff/index";
import { DiffInputError } from "../../diff/model";

export interface DiffCommandIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Receives the exit code; the bin decides how to exit (tests capture it). */
  exit: (code: number) => void;
}

const processIo: DiffCommandIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  exit: (code) => {
    process.exitCode = code;
  },
};

/** Runs the diff and returns the exit code; never throws for bad input (that is exit 2). */
export function runDiff(paths: string[], options: { output: OutputFormat; allowWeakening: boolean }, io: DiffCommandIo): number {
  try {
    const { base, head } = loadInputs(paths);
    const report = diffGuardrails(base, head);
    io.stdout(renderReport(report, options.output));
    return exitCodeForReport(report, options.allowWeakening);
  } catch (e) {
    if (e instanceof DiffInputError) {
      io.stderr(`guardrails diff: bad input: ${e.path}: ${e.reason}\n`);
      return 2;
    }
    throw e;
  }
}

export function diffCommand(io: DiffCommandIo = processIo): Command {
  return new Command("diff")
    .description("guardrail changes between two cdktf synth outputs (cdktf.out) or terraform show -json plans; one plan file compares its before and after")
    .argument("<base>", "base: cdktf.out directory or plan JSON file (or the only plan file)")
    .argument("[head]", "head: cdktf.out directory or plan JSON file")
    .addOption(new Option("--output <format>", "output format").choices(["markdown", "text", "json"]).default("text"))
    .option("--allow-weakening", "exit 0 even when a guardrail is weakened", false)
    .action((base: string, head: string | undefined, options: { output: OutputFormat; allowWeakening: boolean }) => {
      io.exit(runDiff(head === undefined ? [base] : [base, head], options, io));
    });
}
