/** Runs the Action's entry point the way the runner does: INPUT_* variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { inputEnvName } from "../../gates/action/inputs";

export interface RunnerFiles {
  dir: string;
  output: string;
  summary: string;
}

/** Fresh, empty output and summary files, as the runner creates them for each step. */
export function runnerFiles(parent: string): RunnerFiles {
  const dir = mkdtempSync(join(parent, "step-"));
  const files = { dir, output: join(dir, "github_output"), summary: join(dir, "step_summary.md") };
  writeFileSync(files.output, "");
  writeFileSync(files.summary, "");
  return files;
}

export function runnerEnv(files: RunnerFiles, inputs: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = { GITHUB_OUTPUT: files.output, GITHUB_STEP_SUMMARY: files.summary, GITHUB_ACTIONS: "true" };
  for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
  return env;
}

/** Parses $GITHUB_OUTPUT as the runner does: `name=value` lines and `name<<DELIMITER` blocks. */
export function readOutputs(file: string): Record<string, string> {
  const lines = readFileSync(file, "utf8").split("\n");
  const outputs: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const block = /^([^=<]+)<<(.+)$/.exec(line);
    if (block) {
      const end = lines.indexOf(block[2]!, i + 1);
      if (end < 0) throw new Error(`output ${block[1]}: no closing delimiter`);
      outputs[block[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    } else if (line !== "") throw new Error(`unreadable output line ${JSON.stringify(line)}`);
  }
  return outputs;
}
