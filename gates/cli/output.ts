/** Every byte the CLI prints goes through maskSecrets: no access key id ever leaves unmasked. */
import { maskSecrets } from "../mask";
import { renderAccount } from "../render";
import type { AccountVerdict } from "../types";
import type { OutputFormat } from "./account-options";
import type { CliIo } from "./io";

export function printVerdict(io: CliIo, verdict: AccountVerdict, format: OutputFormat): void {
  const text = renderAccount(verdict, format);
  io.stdout(maskSecrets(text.endsWith("\n") ? text : `${text}\n`));
}

export function printError(io: CliIo, message: string): void {
  io.stderr(maskSecrets(`guardrails: ${message}\n`));
}

/** --wait progress: a self-rewriting line on a terminal, plain lines in a pipeline log. */
export function progressPrinter(io: CliIo, accountId: string): { report: (line: string) => void; done: () => void } {
  let written = false;
  if (io.stderrIsTTY) {
    return {
      report: (line) => {
        written = true;
        io.stderr(maskSecrets(`\r\x1b[2K${accountId}: ${line}`));
      },
      done: () => {
        if (written) io.stderr("\n");
      },
    };
  }
  return { report: (line) => io.stderr(maskSecrets(`${accountId}: ${line}\n`)), done: () => undefined };
}
