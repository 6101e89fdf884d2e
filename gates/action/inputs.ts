/**
 * The GitHub Action's inputs (action.yml) → the `guardrails` arguments they stand for. Pure: reads
 * an environment, returns argv or the usage problems. Inputs arrive as the runner hands them to
 * actions: `INPUT_<NAME>` with the name upper-cased and spaces turned into `_`
 * (https://docs.github.com/en/actions/reference/workflows-and-actions/metadata-syntax#inputs); the
 * composite action.yml sets exactly these names, so the entry point also runs as a JavaScript action.
 */

export const ACTION_COMMANDS = ["promote", "check"] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/** Inputs passed to the CLI as `--<flag> <value>` when not empty; same names as the flags. */
export const VALUE_INPUTS = [
  "config",
  "security-hub-account",
  "home-region",
  "role-name",
  "require",
  "exceptions",
  "max-access-key-age",
  "evidence-dir",
  "wait",
  "timeout",
  "call-timeout",
  "tag-key",
  "move-to-ou",
  "endpoint-url",
] as const;

/** Inputs passed as a bare `--<flag>` when true. */
export const BOOLEAN_INPUTS = ["accept-no-root-credentials"] as const;

/** Inputs the entry point reads itself. */
export const OWN_INPUTS = ["command", "account-id", "output"] as const;

/** Every input the entry point reads (action.yml must declare exactly these, plus node-version for its setup step). */
export const ACTION_INPUTS: readonly string[] = [...OWN_INPUTS, ...VALUE_INPUTS, ...BOOLEAN_INPUTS];

export const DEFAULT_OUTPUT_FILE = "guardrails-verdict.json";

/** The environment variable the runner uses for an input. */
export const inputEnvName = (name: string): string => `INPUT_${name.replace(/ /g, "_").toUpperCase()}`;

export interface ActionRequest {
  command: ActionCommand;
  accountId: string;
  /** Where the JSON verdict is written (relative to the working directory unless absolute). */
  outputFile: string;
  /** The CLI arguments, ending in `--output json`. */
  argv: string[];
}

export type ParsedInputs = { ok: true; request: ActionRequest } | { ok: false; problems: string[] };

/** An input as the runner passes it: unset and empty are the same; surrounding whitespace is dropped. */
function input(env: NodeJS.ProcessEnv, name: string): string {
  return (env[inputEnvName(name)] ?? "").trim();
}

// Booleans as action inputs are YAML 1.2 core-schema booleans (what @actions/core getBooleanInput accepts).
const TRUE = new Set(["true", "True", "TRUE"]);
const FALSE = new Set(["false", "False", "FALSE", ""]);

export function parseActionInputs(env: NodeJS.ProcessEnv): ParsedInputs {
  const problems: string[] = [];
  const command = input(env, "command") || "promote";
  if (!(ACTION_COMMANDS as readonly string[]).includes(command)) {
    problems.push(`input command: ${JSON.stringify(command)} is not one of ${ACTION_COMMANDS.join(", ")}`);
  }
  const accountId = input(env, "account-id");
  if (accountId === "") problems.push("input account-id is required (the 12-digit id of the account to check)");
  const flags: string[] = [];
  for (const name of VALUE_INPUTS) {
    const value = input(env, name);
    if (value !== "") flags.push(`--${name}`, value);
  }
  for (const name of BOOLEAN_INPUTS) {
    const value = input(env, name);
    if (TRUE.has(value)) flags.push(`--${name}`);
    else if (!FALSE.has(value)) problems.push(`input ${name}: ${JSON.stringify(value)} is not true or false`);
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    request: { command: command as ActionCommand, accountId, outputFile: input(env, "output") || DEFAULT_OUTPUT_FILE, argv: [command, accountId, ...flags, "--output", "json"] },
  };
}
