/**
 * The `guardrails` program. Each command lives in commands/<name>.ts and registers itself here;
 * sweep and diff plug in the same way. Usage errors (commander's and ours) exit 2 before any
 * AWS call; unexpected errors exit 3 (fail closed: never 0).
 */
import { Command, CommanderError } from "commander";
import { GateUsageError } from "../options";
import { ExitCode } from "../types";
import { registerCheck } from "./commands/check";
import { registerPromote } from "./commands/promote";
import { registerVerify } from "./commands/verify";
import { UsageError, type CliIo } from "./io";
import { printError } from "./output";
import { maskSecrets } from "../mask";

const HELP_FOOTER = `
Exit codes:
  0  PASS          production-ready (verify: bundle intact)
  1  FAIL          evidence of a violation (verify: tampered or invalid bundle)
  2  usage error   bad arguments, config or exceptions register; nothing was sent to AWS
  3  INCONCLUSIVE  readiness could not be proven (errors, throttling, timeouts, stale or missing
                   evidence); promote: PASS but tagging or moving failed
  1 and 3 both mean "not production-ready".

Examples:
  guardrails check 123456789012 --config guardrails.config.json --output json
  guardrails promote 123456789012 --security-hub-account 210987654321 --home-region us-east-1 \\
      --evidence-dir evidence --wait 15m --move-to-ou ou-ab12-cdef3456
  guardrails verify evidence/guardrails-evidence-123456789012-2026-11-22T10-00-00.000Z.json

Credentials come from the SDK's default chain; per-account reads assume --role-name in the account,
findings are read in --security-hub-account; Organizations calls use the caller's own credentials.
`;

export type CommandRegistrar = (program: Command, io: CliIo, setExit: (code: number) => void) => void;

/** Commands of this program; later issues append sweep and diff here. */
export const COMMANDS: CommandRegistrar[] = [registerCheck, registerPromote, registerVerify];

export function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command("guardrails")
    .description("production-readiness gate for AWS accounts (CIS AWS Foundations IAM.4 root access keys, IAM.3 key rotation)")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({ writeOut: (s) => io.stdout(maskSecrets(s)), writeErr: (s) => io.stderr(maskSecrets(s)) })
    .addHelpText("after", HELP_FOOTER)
    .exitOverride();
  for (const register of COMMANDS) register(program, io, setExit);
  // Every subcommand: unknown options and surplus arguments are usage errors, handled by runCli.
  for (const cmd of program.commands) cmd.exitOverride().allowExcessArguments(false).addHelpText("after", HELP_FOOTER);
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
