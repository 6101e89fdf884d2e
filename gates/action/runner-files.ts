/**
 * What a step hands back to the runner: outputs in the $GITHUB_OUTPUT file, Markdown in the
 * $GITHUB_STEP_SUMMARY file, annotations as workflow commands on stdout
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands).
 */
import { randomUUID } from "node:crypto";
import { appendFileSync } from "node:fs";

/**
 * `name<<DELIMITER` / value / `DELIMITER`: the multiline form, safe for any value; the delimiter is
 * random so a value cannot end the block early (workflow-commands#multiline-strings).
 */
export function outputBlock(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`output ${name}: value contains its delimiter`);
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/** Appends outputs to $GITHUB_OUTPUT; returns false when the variable is not set (not on a runner). */
export function writeOutputs(file: string | undefined, outputs: Readonly<Record<string, string>>): boolean {
  if (file === undefined || file === "") return false;
  appendFileSync(file, Object.entries(outputs).map(([k, v]) => outputBlock(k, v)).join(""));
  return true;
}

/** Appends Markdown to $GITHUB_STEP_SUMMARY (the job summary); false when not on a runner. */
export function appendSummary(file: string | undefined, markdown: string): boolean {
  if (file === undefined || file === "") return false;
  appendFileSync(file, markdown.endsWith("\n") ? markdown : `${markdown}\n`);
  return true;
}

/** Message escaping of workflow commands: `%`, CR and LF (as @actions/core's escapeData). */
const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
/** Property escaping: the same plus `:` and `,`, which separate properties. */
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/** `::error title=...::message`: shown on the run's summary page and the step. */
export function errorAnnotation(title: string, message: string): string {
  return `::error title=${escapeProperty(title)}::${escapeData(message)}\n`;
}
