/** `guardrails check <account-id>`: read-only verdict, exit 0 PASS / 1 FAIL / 3 INCONCLUSIVE. */
import type { Command } from "commander";
import { exitCodeFor } from "../../verdict";
import { addAccountOptions, resolveAccountOptions, type RawAccountOptions } from "../account-options";
import type { CliIo } from "../io";
import { GATE_HELP_FOOTER } from "../help";
import { printError, printVerdict, progressPrinter } from "../output";

export function registerCheck(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const cmd = program
    .command("check")
    .description("read-only production-readiness verdict for one account")
    .argument("<account-id>", "12-digit AWS account id")
    .addHelpText("after", GATE_HELP_FOOTER);
  addAccountOptions(cmd, { promote: false }).action(async (accountId: string, raw: RawAccountOptions) => {
    const resolved = resolveAccountOptions(accountId, raw, io, new Date());
    for (const w of resolved.warnings) printError(io, `warning: ${w}`);
    // Loaded only now: usage errors and --help never pay for loading the AWS SDK.
    const { checkAccount } = require("../../check") as typeof import("../../check");
    const progress = progressPrinter(io, accountId);
    const verdict = await checkAccount({ ...resolved.library, onProgress: progress.report }).finally(progress.done);
    printVerdict(io, verdict, resolved.output);
    setExit(exitCodeFor(verdict.verdict));
  });
}
