/**
 * action.yml and .github/workflows/*.yml against the GitHub Actions metadata and workflow schemas
 * (SchemaStore's github-action.json / github-workflow.json, as compiled into @action-validator/core),
 * and action.yml against the entry point: the inputs it reads, the variables it is handed, the outputs it writes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { validateAction, validateWorkflow, type ValidationState } from "@action-validator/core";
import { parse } from "yaml";
import { ACTION_INPUTS, DEFAULT_OUTPUT_FILE, inputEnvName } from "../../gates/action/inputs";
import { ACTION_OUTPUTS } from "../../gates/action/run";

const ROOT = join(__dirname, "..", "..");
const actionText = readFileSync(join(ROOT, "action.yml"), "utf8");
const WORKFLOWS = join(ROOT, ".github", "workflows");

const problems = (state: ValidationState): string[] => state.errors.map((e) => `${"path" in e ? e.path : ""} ${e.title}${e.detail ? `: ${e.detail}` : ""}`);

describe("schemas", () => {
  it("action.yml is valid action metadata", () => {
    expect(problems(validateAction(actionText))).toEqual([]);
  });

  it.each(readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f)))("workflow %s is a valid workflow", (file) => {
    expect(problems(validateWorkflow(readFileSync(join(WORKFLOWS, file), "utf8")))).toEqual([]);
  });

  // The validator must be able to fail: metadata the runner rejects is reported.
  it.each([
    ["an input without a description", actionText.replace("    description: 12-digit id of the account to promote or check.\n", "")],
    ["a step without a shell", actionText.replace("      shell: bash\n      run: |", "      run: |")],
    ["an unknown runtime", actionText.replace("using: composite", "using: node99")],
  ])("rejects %s", (_name, broken) => {
    expect(broken).not.toBe(actionText);
    expect(validateAction(broken).errors.length).toBeGreaterThan(0);
  });
});

interface ActionYaml {
  inputs: Record<string, { required?: boolean; default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; uses?: string; if?: string; env?: Record<string, string>; run?: string }[] };
}
const action = parse(actionText) as ActionYaml;
const gateStep = action.runs.steps.find((s) => s.id === "gate")!;

describe("action.yml matches its entry point", () => {
  it("declares exactly the inputs the entry point reads, plus node-version for its setup step", () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...ACTION_INPUTS, "node-version"].sort());
    expect(Object.entries(action.inputs).filter(([, i]) => i.required).map(([n]) => n)).toEqual(["account-id"]);
    expect(action.inputs["output"]!.default).toBe(DEFAULT_OUTPUT_FILE);
    expect(action.inputs["command"]!.default).toBe("promote");
  });

  it("hands every input to the entry point under the runner's INPUT_ name, and nothing else", () => {
    expect(gateStep.env).toEqual(Object.fromEntries(ACTION_INPUTS.map((n) => [inputEnvName(n), `\${{ inputs.${n} }}`])));
    // No expression inside a script: inputs reach the shell only as environment variables.
    for (const s of action.runs.steps) expect(s.run ?? "").not.toContain("${{");
  });

  it("maps every output the entry point writes", () => {
    expect(action.outputs).toEqual(Object.fromEntries(ACTION_OUTPUTS.map((n) => [n, expect.objectContaining({ value: `\${{ steps.gate.outputs.${n} }}` })])));
  });

  it("runs the compiled entry point that the package's emit config builds", () => {
    expect(gateStep.run).toBe('node "$GITHUB_ACTION_PATH/dist/gates/action/main.js"');
    const tsconfig = JSON.parse(readFileSync(join(ROOT, "tsconfig.gate.json"), "utf8")) as { include: string[] };
    expect(tsconfig.include).toContain("gates/**/*.ts");
  });
});
