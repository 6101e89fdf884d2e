/**
 * The `guardrails` program. Each command lives in commands/<name>.ts and registers itself here;
 * sweep and diff plug in the same way. Usage errors (commander's and ours) exit 2 before any
 * AWS call; unexpected errors exit 3 (fail closed: never 0).
 */
import { Command, CommanderError } from "commander";
import { GateUsageError } from "../options";
import { ExitCode } from "../types";
import { registerCheck } from "./commands/check";
import { registerDiff } from "./commands/diff";
import { registerPreflight } from "./commands/preflight";
import { registerPromote } from "./commands/promote";
import { registerRemediate } from "./commands/remediate";
import { registerSweep } from "./commands/sweep";
import { registerVerify } from "./commands/verify";
import { UsageError, type CliIo } from "./io";
import { printError } from "./output";
import { GATE_HELP_FOOTER } from "./help";
import { maskSecrets } from "../mask";
import { gateVersion } from "../version";


export type CommandRegistrar = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** Commands of this program, one file each under commands/ (sweep plugs in the same way). */
export const COMMANDS: CommandRegistrar[] = [registerCheck, registerPromote, registerSweep, registerVerify, registerDiff, registerPreflight, registerRemediate];

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command("guardrails")
    .description("CIS guardrails: production-readiness gate for AWS accounts (IAM.4 root access keys, IAM.3 key rotation), guardrail diff for pull requests, the preflight before the first deploy, and root access key remediation")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.stdout(maskSecrets(s)), writeErr: (s) => io.stderr(maskSecrets(s)) })
    .addHelpText("after", GATE_HELP_FOOTER)
    // The same version every evidence bundle records as gate.version.
    .version(gateVersion(), "-V, --version", "print the gate version (the one evidence bundles record)")
    .exitOverride();
  for (const register of COMMANDS) register(program, io, setExit);
  // Every subcommand: unknown options and surplus arguments are usage errors, handled by runCli.
  for (const cmd of program.commands) cmd.exitOverride().allowExcessArguments(false);
  return program;
}

/** Runs the CLI and returns the exit code (bin.ts sets process.exitCode). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exit: number = ExitCode.INCONCLUSIVE;
  const program = buildProgram(io, (code) => {
    exit = code;
  });
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return ExitCode.USAGE;
    }
    await program.parseAsync([...argv], { from: "user" });
    return exit;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; everything else commander rejects is usage.
      return err.exitCode === 0 ? 0 : ExitCode.USAGE;
    }
    if (err instanceof UsageError || err instanceof GateUsageError) {
      printError(io, err.message);
      return ExitCode.USAGE;
    }
    printError(io, `unexpected error, the account is not proven production-ready: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return ExitCode.INCONCLUSIVE;
  }
}
