/**
 * Output formats of check / promote / sweep (DESIGN.md section 4). Every output passes through
 * maskSecrets last, so no renderer can leak an access key id even if a reason carries one.
 */
import { maskSecrets } from "../mask";
import type { AccountVerdict, SweepResult } from "../types";
import { accountJson, sweepJson } from "./json";
import { junitXml } from "./junit";
import { accountMarkdown, sweepMarkdown } from "./markdown";
import { accountText, sweepText } from "./text";

export type OutputFormat = "text" | "json" | "markdown" | "junit";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "markdown", "junit"];

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

export function renderAccount(v: AccountVerdict, format: OutputFormat): string {
  switch (format) {
    case "text":
      return maskSecrets(accountText(v));
    case "json":
      return maskSecrets(JSON.stringify(accountJson(v), null, 2));
    case "markdown":
      return maskSecrets(accountMarkdown(v));
    case "junit":
      return maskSecrets(junitXml([v]));
  }
}

export function renderSweep(r: SweepResult, format: OutputFormat): string {
  switch (format) {
    case "text":
      return maskSecrets(sweepText(r));
    case "json":
      return maskSecrets(JSON.stringify(sweepJson(r), null, 2));
    case "markdown":
      return maskSecrets(sweepMarkdown(r));
    case "junit":
      return maskSecrets(junitXml(r.accounts, { skipped: r.skipped, errors: r.summary.errors }));
  }
}
