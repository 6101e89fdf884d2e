/**
 * `guardrails sweep [--ou <id>...]`: every ACTIVE account of the organization (or under the OUs,
 * nested included), bounded concurrency, one shared adaptive rate limiter, progress on stderr,
 * report on stdout (text, json, markdown, junit, or csv: the IAM.3 key inventory), summary table
 * on stderr. Exit code: the worst account's (any FAIL 1, else any INCONCLUSIVE 3, else 0).
 *
 * Ctrl-C: stops starting accounts, cancels calls in flight, prints the partial report in which
 * every account not checked is INCONCLUSIVE "not checked: interrupted", and exits with the worst
 * account's code like any sweep: 3 (or 1 if a checked account failed). Not 130: a pipeline must
 * read "not proven" from the same codes as always. A second Ctrl-C exits 130 at once.
 */
import { Option, type Command } from "commander";
import { OU_ID_PATTERN } from "../../options";
import { addAccountOptions, resolveAccountOptions, type RawAccountOptions } from "../account-options";
import { onProcessInterrupt, UsageError, type CliIo } from "../io";
import { printError } from "../output";
import { maskSecrets } from "../../mask";
import { renderSweep } from "../../render";
import { renderInventoryCsv } from "../../render/inventory";
import type { SweepRunResult } from "../../sweep/run";

const SWEEP_OUTPUTS = ["text", "json", "markdown", "junit", "csv"] as const;
type SweepOutput = (typeof SWEEP_OUTPUTS)[number];
/** Root ids (r-xxxx) are accepted too: "--ou r-ab12" is the whole organization through the OU walk. */
const ROOT_ID_PATTERN = /^r-[0-9a-z]{4,32}$/;
const MAX_CONCURRENCY = 64;

interface RawSweepOptions extends Omit<RawAccountOptions, "output"> {
  output: SweepOutput;
  ou: string[];
  concurrency?: string;
  revoke?: boolean;
  evidenceBucket?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerSweep(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const cmd = program
    .command("sweep")
    .description("check every ACTIVE account of the organization (or under --ou, nested OUs included) with bounded concurrency");
  addAccountOptions(cmd, { promote: true });
  // Same shared options as check/promote, plus csv (the IAM.3 key inventory over all accounts).
  const output = cmd.options.find((o) => o.long === "--output");
  if (output !== undefined) output.choices([...SWEEP_OUTPUTS]);
  // Single-account options that sweep rejects: kept declared (so the message is ours), hidden from help.
  for (const o of cmd.options) if (o.long === "--wait" || o.long === "--move-to-ou") o.hideHelp();
  cmd
    .option("--ou <id>", "only accounts under this OU (nested OUs included); repeatable", collect, [])
    .option("--concurrency <n>", "accounts checked at once (default 8: see the sweep engine for why)")
    .option("--revoke", "remove the ready tag from every account that is not PASS, skipped (not ACTIVE) ones included, and only from those")
    .addOption(new Option("--evidence-bucket <s3-url>", "also write bundles and the index to s3://bucket/prefix (Object Lock friendly)"))
    .addHelpText(
      "after",
      `
Sweep specifics:
  Exit code is the worst account's: any FAIL 1, else any INCONCLUSIVE 3, else 0; 3 as well when the
  accounts cannot be listed or --revoke / the evidence bucket fails (summary.errors[] says why).
  Accounts that are not ACTIVE (suspended, closing) are not checked and are listed as skipped in every
  output (JSON skipped[], text, Markdown, JUnit <skipped/>, CSV rows with accountStatus) and in the
  evidence index, never as PASS. Ctrl-C prints the partial report (accounts not checked
  are INCONCLUSIVE "not checked: interrupted") and exits with the same rule, so 3 unless a checked
  account failed; a second Ctrl-C exits 130 at once. With --evidence-dir and/or --evidence-bucket, one
  bundle per account and an index are written; check them all with: guardrails verify <index.json>.
  For each account failing IAM.4 the report names the guardrails remediate command to run (JSON remediation[],
  text, Markdown); the sweep itself never deletes anything.`,
    );
  cmd.action(async (raw: RawSweepOptions) => {
    if (raw.wait !== undefined) throw new UsageError("--wait is not a sweep option: promote or check a single account with --wait");
    if (raw.moveToOu !== undefined) throw new UsageError("--move-to-ou is not a sweep option: sweep never moves accounts");
    for (const ou of raw.ou) if (!OU_ID_PATTERN.test(ou) && !ROOT_ID_PATTERN.test(ou)) throw new UsageError(`--ou ${JSON.stringify(ou)} is not an OU id like ou-ab12-cdef3456 or a root id like r-ab12`);
    let concurrency: number | undefined;
    if (raw.concurrency !== undefined) {
      concurrency = Number(raw.concurrency);
      if (!/^\d+$/.test(raw.concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) throw new UsageError(`--concurrency ${JSON.stringify(raw.concurrency)} must be a whole number from 1 to ${MAX_CONCURRENCY}`);
    }
    const { parseEvidenceBucket } = require("../../sweep/evidence-bucket") as typeof import("../../sweep/evidence-bucket");
    let evidenceBucket;
    try {
      evidenceBucket = raw.evidenceBucket === undefined ? undefined : parseEvidenceBucket(raw.evidenceBucket);
    } catch (err) {
      throw new UsageError(err instanceof Error ? err.message : String(err));
    }
    // The shared resolution validates config, exceptions and every option; the account id is a placeholder.
    const resolved = resolveAccountOptions("000000000000", { ...raw, output: "text" }, io, new Date());
    for (const w of resolved.warnings) printError(io, `warning: ${w}`);
    const { accountId: _placeholder, moveToOuId: _move, waitMs: _wait, ...library } = resolved.library;

    // Loaded only now: usage errors never pay for the AWS SDK.
    const { runSweep } = require("../../sweep/run") as typeof import("../../sweep/run");
    const { createProgressReporter } = require("../../sweep/progress") as typeof import("../../sweep/progress");
    const { sweepSummaryTable } = require("../../sweep/table") as typeof import("../../sweep/table");
    const progress = createProgressReporter({ isTTY: io.stderrIsTTY, stream: process.stderr, writeLine: (l) => io.stderr(maskSecrets(`${l}\n`)) });
    const controller = new AbortController();
    let interrupts = 0;
    const onSigint = (): void => {
      interrupts++;
      if (interrupts > 1) process.exit(130);
      io.stderr("\nguardrails: interrupted: finishing with a partial report (Ctrl-C again to quit at once)\n");
      controller.abort();
    };
    const stopInterrupts = (io.onInterrupt ?? onProcessInterrupt)(onSigint);
    try {
      const result = await runSweep({
        ...library,
        ouIds: raw.ou,
        revoke: raw.revoke === true,
        // The CSV key inventory has a lastUsedAt column: worth one more IAM call per key only there.
        readKeyLastUsed: raw.output === "csv",
        // The remediate command printed for accounts failing IAM.4 reads the same config (or home region) as this sweep.
        remediateArgs: [
          ...(raw.config !== undefined ? ["--config", raw.config] : ["--home-region", library.homeRegion]),
          ...(raw.roleName !== undefined ? ["--role-name", raw.roleName] : []),
        ],
        signal: controller.signal,
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(evidenceBucket !== undefined ? { evidenceBucket } : {}),
        onListed: (listing) => progress.start(listing.accounts.length),
        onAccountDone: (v, p) => progress.update(v, p),
      });
      progress.stop();
      io.stdout(renderSweepOutput(raw.output, result));
      io.stderr(maskSecrets(sweepSummaryTable(result)));
      if (result.evidence !== null) {
        io.stderr(`evidence index: ${result.evidence.index.path} (sha256 ${result.evidence.index.sha256}); check it with: guardrails verify ${result.evidence.index.path}\n`);
        if (evidenceBucket !== undefined) io.stderr(`evidence bucket: ${result.evidence.uploaded.length} object(s) written to s3://${evidenceBucket.bucket}/${evidenceBucket.prefix}\n`);
        for (const e of result.evidence.uploadErrors) printError(io, e);
      }
      setExit(result.exitCode);
    } finally {
      stopInterrupts();
    }
  });
}

function renderSweepOutput(format: SweepOutput, result: SweepRunResult): string {
  if (format === "csv") {
    return maskSecrets(renderInventoryCsv(result.inventory, result.skipped));
  }
  const { schemaVersion, accounts, skipped, summary, remediation } = result;
  const text = renderSweep({ schemaVersion, accounts, skipped, summary, ...(remediation !== undefined ? { remediation } : {}) }, format);
  return maskSecrets(text.endsWith("\n") ? text : `${text}\n`);
}
