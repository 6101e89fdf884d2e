/**
 * `guardrails promote <account-id>`: check; on PASS move the account (optionally) and tag it, the
 * ready tag last; on anything else remove a stale ready tag. A PASS whose move or tagging failed
 * exits 3 with the promotion rolled back (gates/promote.ts).
 */
import type { Command } from "commander";
import { ExitCode } from "../../types";
import { exitCodeFor } from "../../verdict";
import { addAccountOptions, resolveAccountOptions, type RawAccountOptions } from "../account-options";
import type { CliIo } from "../io";
import { GATE_HELP_FOOTER } from "../help";
import { printError, printVerdict, progressPrinter } from "../output";

export function registerPromote(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const cmd = program
    .command("promote")
    .description("check; on PASS move the account (--move-to-ou) and tag it production-ready, the tag last; otherwise remove the ready tag")
    .argument("<account-id>", "12-digit AWS account id")
    .addHelpText("after", GATE_HELP_FOOTER);
  addAccountOptions(cmd, { promote: true }).action(async (accountId: string, raw: RawAccountOptions) => {
    const resolved = resolveAccountOptions(accountId, raw, io, new Date());
    for (const w of resolved.warnings) printError(io, `warning: ${w}`);
    const { promoteAccount } = require("../../promote") as typeof import("../../promote");
    const progress = progressPrinter(io, accountId);
    const result = await promoteAccount({ ...resolved.library, onProgress: progress.report }).finally(progress.done);
    printVerdict(io, result.verdict, resolved.output);
    setExit(result.markingFailed && result.verdict.verdict === "PASS" ? ExitCode.INCONCLUSIVE : exitCodeFor(result.verdict.verdict));
  });
}
