/**
 * The GitHub Action (action.yml): runs `guardrails promote|check <account> --output json` in
 * process through the same CLI code, writes the JSON verdict to a file, the Markdown verdict to the
 * job summary, the outputs to $GITHUB_OUTPUT, and returns the gate's exit code, so the step fails
 * unless the account is PASS. Usage problems are exit 2 with nothing sent to AWS, as in the CLI.
 */
import { writeFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { CliIo } from "../cli/io";
import { maskSecrets } from "../mask";
import { renderAccount } from "../render";
import { mdText } from "../render/markdown-escape";
import { ExitCode, type AccountVerdict } from "../types";
import { parseActionInputs } from "./inputs";
import { appendSummary, errorAnnotation, writeOutputs } from "./runner-files";
import { parseAccountVerdict } from "./verdict-json";

/** The step's verdict output: the gate's three, or USAGE_ERROR when the inputs were wrong. */
export type ActionVerdict = AccountVerdict["verdict"] | "USAGE_ERROR";

/** The outputs action.yml maps from this step (steps.gate.outputs.<name>). */
export const ACTION_OUTPUTS = ["verdict", "exit-code", "production-ready", "json-path", "evidence-path", "evidence-sha256"] as const;
export type ActionOutputs = Record<(typeof ACTION_OUTPUTS)[number], string>;

export interface ActionIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The step's log. */
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The CLI entry (gates/cli/program.ts runCli); injectable for tests. */
export type CliRunner = (argv: readonly string[], io: CliIo) => Promise<number>;

export async function runAction(io: ActionIo, runCli: CliRunner): Promise<number> {
  const parsed = parseActionInputs(io.env);
  if (!parsed.ok) return finishUsage(io, parsed.problems);
  const { request } = parsed;

  let captured = "";
  const errors: string[] = [];
  const code = await runCli(request.argv, {
    stdout: (t) => {
      captured += t;
    },
    stderr: (t) => {
      errors.push(t);
      io.stderr(t);
    },
    stderrIsTTY: false,
    env: io.env,
    cwd: io.cwd,
  });
  if (code === ExitCode.USAGE) {
    const lines = errors.join("").split("\n").map((l) => l.replace(/^guardrails: /, "").trim());
    return finishUsage(io, lines.filter((l) => l !== "" && !l.startsWith("(run with --help")));
  }

  const verdict = parseAccountVerdict(captured);
  if (verdict === null) {
    // Fail closed: without a verdict the account is not proven ready, whatever the exit code said.
    const reason = `the gate printed no verdict (exit ${code}); see the step log`;
    io.stdout(errorAnnotation("guardrails INCONCLUSIVE", `Account ${request.accountId} is not proven production-ready: ${reason}`));
    appendSummary(io.env["GITHUB_STEP_SUMMARY"], `## ⚠️ INCONCLUSIVE: account ${mdText(request.accountId)}\n\n**Not production-ready.** ${mdText(reason)}.\n`);
    writeStepOutputs(io, { verdict: "INCONCLUSIVE", "exit-code": "3", "production-ready": "false", "json-path": "", "evidence-path": "", "evidence-sha256": "" });
    return ExitCode.INCONCLUSIVE;
  }

  const jsonPath = isAbsolute(request.outputFile) ? request.outputFile : resolve(io.cwd, request.outputFile);
  writeFileSync(jsonPath, captured.endsWith("\n") ? captured : `${captured}\n`);
  const exitCode = stepExitCode(code, verdict);
  // The step's verdict follows its exit code (DESIGN section 4): a promote whose tagging or move failed
  // is PASS in the JSON but exit 3, and a pipeline testing `verdict == 'PASS'` must not read it as promoted.
  const stepVerdict: ActionVerdict = exitCode === ExitCode.PASS ? "PASS" : exitCode === ExitCode.FAIL ? "FAIL" : "INCONCLUSIVE";

  io.stdout(`${renderAccount(verdict, "text").trimEnd()}\n`);
  appendSummary(io.env["GITHUB_STEP_SUMMARY"], `${renderAccount(verdict, "markdown")}\n`);
  if (exitCode !== ExitCode.PASS) {
    const failed = verdict.controls.find((c) => c.required && c.verdict !== "PASS");
    // PASS but not promoted: the rollback's reasons are the last ones of the required controls.
    const why = failed?.reasons[0] ?? verdict.controls.find((c) => c.required)?.reasons.at(-1) ?? `exit ${exitCode}`;
    io.stdout(maskSecrets(errorAnnotation(`guardrails ${stepVerdict}`, `Account ${verdict.accountId} is not production-ready: ${why}`)));
  }
  writeStepOutputs(io, {
    verdict: stepVerdict,
    "exit-code": String(exitCode),
    "production-ready": String(exitCode === ExitCode.PASS),
    "json-path": jsonPath,
    "evidence-path": verdict.evidence?.path ?? "",
    "evidence-sha256": verdict.evidence?.sha256 ?? "",
  });
  return exitCode;
}

/** 0 only for a ready PASS verdict; any code outside the contract's 0/1/3 counts as INCONCLUSIVE. */
function stepExitCode(code: number, verdict: AccountVerdict): number {
  if (code === ExitCode.PASS) return verdict.verdict === "PASS" && verdict.productionReady ? ExitCode.PASS : ExitCode.INCONCLUSIVE;
  return code === ExitCode.FAIL || code === ExitCode.INCONCLUSIVE ? code : ExitCode.INCONCLUSIVE;
}

function finishUsage(io: ActionIo, problems: readonly string[]): number {
  const list = problems.length > 0 ? problems : ["invalid inputs"];
  for (const p of list) io.stdout(errorAnnotation("guardrails usage error", p));
  appendSummary(
    io.env["GITHUB_STEP_SUMMARY"],
    [`## ❌ guardrails: usage error (exit 2)`, "", "The inputs were rejected before anything was sent to AWS:", "", ...list.map((p) => `- ${mdText(p)}`), ""].join("\n"),
  );
  writeStepOutputs(io, { verdict: "USAGE_ERROR", "exit-code": "2", "production-ready": "false", "json-path": "", "evidence-path": "", "evidence-sha256": "" });
  return ExitCode.USAGE;
}

function writeStepOutputs(io: ActionIo, outputs: ActionOutputs): void {
  if (!writeOutputs(io.env["GITHUB_OUTPUT"], outputs)) io.stderr("guardrails action: GITHUB_OUTPUT is not set (not on a runner): outputs not written\n");
}
