/**
 * Issue 13, the README's "Gate service" callers, as a user copies them:
 * - the AFT Task state (a whole customizations.asl.json): valid Amazon States Language, calling guardrails-promote
 *   with `startExecution.sync:2` through GuardrailsPromoteCaller as this repository names them, and, run by the
 *   local interpreter on AFT's documented payload, handing guardrails-promote an input its handler accepts;
 * - the pipeline script: run with a stand-in `aws` on PATH (never real AWS) that answers as the CLI does; it exits
 *   0 only for SUCCEEDED with productionReady true and fails closed on everything else.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePromoteRequest } from "../../gates/service/promote-steps";
import { gateServiceSettings, promoteCallerRoleArn, PROMOTE_STATE_MACHINE_NAME, stateMachineArn } from "../../modules/gate-service";
import { exampleConfig } from "../modules/helpers";
import { runLocally, validateAsl } from "../local-sfn";

const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8");

/** The README's subsection `### <title>` (up to the next heading of level 2 or 3). */
function subsection(title: string): string {
  const start = README.indexOf(`\n### ${title}\n`);
  if (start < 0) throw new Error(`README has no "### ${title}"`);
  const rest = README.slice(start + 1);
  const end = rest.slice(4).search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end + 4);
}

/** Fenced code blocks (possibly indented under a list item) of a README part, indentation removed. */
function codeBlocks(text: string, lang: string): string[] {
  const blocks: string[] = [];
  const re = new RegExp(`^( *)\`\`\`${lang}\\n([\\s\\S]*?)^\\1\`\`\``, "gm");
  for (const m of text.matchAll(re)) blocks.push(m[2]!.split("\n").map((line) => line.slice(m[1]!.length)).join("\n"));
  return blocks;
}

const config = exampleConfig({ gateService: { enabled: true, promote: { callerRoleArns: ["arn:aws:iam::555555555555:role/aft-account-provisioning-customizations-role"] } } });

describe("README: from AFT", () => {
  const aft = subsection("From Account Factory for Terraform (AFT)");
  const definition = codeBlocks(aft, "json").map((b) => JSON.parse(b) as Record<string, unknown>).find((b) => "States" in b)!;
  const task = (definition["States"] as Record<string, Record<string, any>>)["GuardrailsPromote"]!; // eslint-disable-line @typescript-eslint/no-explicit-any

  it("is valid Amazon States Language, starts guardrails-promote with .sync:2 through GuardrailsPromoteCaller as the module names them", () => {
    expect(validateAsl(definition)).toEqual({ isValid: true, errors: [] });
    expect(task["Resource"]).toBe("arn:aws:states:::states:startExecution.sync:2");
    expect(task["Credentials"]).toEqual({ RoleArn: promoteCallerRoleArn(config) });
    expect(task["Parameters"].StateMachineArn).toBe(stateMachineArn(config, PROMOTE_STATE_MACHINE_NAME));
  });

  it("the policy the AFT role needs names that same role", () => {
    const statement = codeBlocks(aft, "json").map((b) => JSON.parse(b) as Record<string, unknown>).find((b) => b["Action"] === "sts:AssumeRole")!;
    expect(statement).toEqual({ Effect: "Allow", Action: "sts:AssumeRole", Resource: promoteCallerRoleArn(config) });
  });

  it("run on AFT's documented payload, it hands guardrails-promote an input the handler accepts, and keeps the promote JSON", async () => {
    // The shape of AFT's "Example Payload" (aft-account-provisioning-customizations/README.md), our values.
    const aftPayload = {
      account_request: { id: "owner@example.com", control_tower_parameters: { AccountName: "sandbox03", ManagedOrganizationalUnit: "Sandbox" }, operation: "create" },
      control_tower_event: {},
      account_info: { account: { id: "333333333333", type: "account", name: "sandbox03", status: "ACTIVE", parent_type: "ORGANIZATIONAL_UNIT" } },
      role: { Arn: "arn:aws:iam::333333333333:role/AWSAFTExecution" },
    };
    const promoteJson = { schemaVersion: 1, accountId: "333333333333", verdict: "PASS", productionReady: true };
    const sent: unknown[] = [];
    // What startExecution.sync:2 returns: DescribeExecution's fields, Output parsed as JSON.
    const run = runLocally(definition, aftPayload, async (parameters) => {
      sent.push(parameters);
      return { ExecutionArn: "arn:aws:states:eu-west-1:111111111111:execution:guardrails-promote:x", Status: "SUCCEEDED", Output: promoteJson };
    }, { executionName: "aft" });
    const output = (await run.result) as Record<string, unknown>;
    expect(sent).toEqual([{ StateMachineArn: stateMachineArn(config, PROMOTE_STATE_MACHINE_NAME), Input: { accountId: "333333333333", wait: "4h" } }]);
    expect(parsePromoteRequest((sent[0] as { Input: unknown }).Input, gateServiceSettings(config))).toEqual({ accountId: "333333333333", waitSeconds: 14_400 });
    expect(output["guardrails"]).toEqual({ promotion: promoteJson });
    expect(output["account_info"]).toEqual(aftPayload.account_info);
  });
});

describe("README: from a pipeline, fail closed", () => {
  const script = codeBlocks(subsection("From a pipeline"), "sh").find((b) => b.includes("promote-via-service.sh <account-id>"))!;
  const dir = mkdtempSync(join(tmpdir(), "guardrails-pipeline-snippet-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "promote-via-service.sh"), script);
  // A stand-in for the AWS CLI: start-execution prints the ARN (as --query executionArn --output text does),
  // describe-execution prints the next scripted answer (the last one repeats); every call is logged.
  writeFileSync(
    join(dir, "aws"),
    [
      "#!/usr/bin/env bash",
      'printf "%s\\n" "$*" >> "$FAKE/calls"',
      'case "$2" in',
      '  start-execution) [ -f "$FAKE/start.fails" ] && exit 255; echo "arn:aws:states:eu-west-1:111111111111:execution:guardrails-promote:e1";;',
      '  describe-execution) n=$(grep -c describe-execution "$FAKE/calls"); f="$FAKE/describe.$n"; [ -f "$f" ] || f=$(ls "$FAKE"/describe.* | sort -t. -k2 -n | tail -1); [ -f "$FAKE/describe.fails" ] && exit 255; cat "$f";;',
      "  *) exit 252;;",
      "esac",
    ].join("\n"),
  );
  chmodSync(join(dir, "aws"), 0o755);

  const described = (status: string, extra: Record<string, unknown> = {}): string => JSON.stringify({ executionArn: "arn:…:e1", status, ...extra });
  const ready = JSON.stringify({ schemaVersion: 1, accountId: "333333333333", verdict: "PASS", productionReady: true });
  let n = 0;
  function runScript(answers: string[], opts: { env?: Record<string, string>; startFails?: boolean; describeFails?: boolean } = {}): { code: number | null; stdout: string; stderr: string; calls: string[] } {
    const fake = join(dir, `case-${n++}`);
    spawnSync("mkdir", [fake]);
    answers.forEach((a, i) => writeFileSync(join(fake, `describe.${i + 1}`), a));
    if (opts.startFails) writeFileSync(join(fake, "start.fails"), "");
    if (opts.describeFails) writeFileSync(join(fake, "describe.fails"), "");
    writeFileSync(join(fake, "calls"), "");
    const r = spawnSync("bash", [join(dir, "promote-via-service.sh"), "333333333333"], {
      env: { PATH: `${dir}:${process.env["PATH"]}`, FAKE: fake, STATE_MACHINE_ARN: "arn:aws:states:eu-west-1:111111111111:stateMachine:guardrails-promote", POLL_SECONDS: "0", ...opts.env },
      encoding: "utf8",
      timeout: 10_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr, calls: readFileSync(join(fake, "calls"), "utf8").trim().split("\n") };
  }

  it("RUNNING, then SUCCEEDED with productionReady true: exit 0, prints the promote JSON; the input is the documented one", () => {
    const r = runScript([described("RUNNING"), described("RUNNING"), described("SUCCEEDED", { output: ready })]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(ready));
    expect(r.calls[0]).toBe('stepfunctions start-execution --state-machine-arn arn:aws:states:eu-west-1:111111111111:stateMachine:guardrails-promote --input {"accountId":"333333333333","wait":"4h"} --query executionArn --output text');
    expect(r.calls.slice(1)).toEqual(Array(3).fill("stepfunctions describe-execution --execution-arn arn:aws:states:eu-west-1:111111111111:execution:guardrails-promote:e1 --output json"));
  });

  it.each<[string, number, string[], RegExp]>([
    ["FAILED NotProductionReady", 1, [described("FAILED", { error: "NotProductionReady", cause: "333333333333 is not production-ready (FAIL): root access key" })], /NotProductionReady 333333333333 is not production-ready \(FAIL\): root access key/],
    ["SUCCEEDED but productionReady false", 3, [described("SUCCEEDED", { output: JSON.stringify({ productionReady: false }) })], /SUCCEEDED/],
    ["SUCCEEDED without productionReady", 3, [described("SUCCEEDED", { output: JSON.stringify({ verdict: "PASS" }) })], /SUCCEEDED/],
    ["SUCCEEDED with output that is not JSON", 3, [described("SUCCEEDED", { output: "PASS" })], /SUCCEEDED/],
    ["FAILED GuardrailsInvalidInput", 3, [described("FAILED", { error: "GuardrailsInvalidInput", cause: "accountId …" })], /GuardrailsInvalidInput/],
    ["TIMED_OUT", 3, [described("TIMED_OUT")], /TIMED_OUT/],
    ["ABORTED", 3, [described("ABORTED")], /ABORTED/],
    ["describe-execution output that is not JSON", 3, ["<html>proxy error</html>"], /UNPARSABLE/],
    ["no status at all", 3, [JSON.stringify({ executionArn: "x" })], /not ready/],
  ])("%s: exit %i", (_name, code, answers, message) => {
    const r = runScript(answers);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code, stdout: "" });
    expect(r.stderr).toMatch(message);
  });

  it("a failed start-execution, a failed describe-execution, or still RUNNING at the deadline: exit 3", () => {
    expect(runScript([described("SUCCEEDED", { output: ready })], { startFails: true })).toMatchObject({ code: 3, stdout: "", stderr: expect.stringMatching(/start-execution failed/) });
    expect(runScript([described("SUCCEEDED", { output: ready })], { describeFails: true })).toMatchObject({ code: 3, stdout: "", stderr: expect.stringMatching(/describe-execution failed/) });
    const late = runScript([described("RUNNING")], { env: { MAX_SECONDS: "0" } });
    expect(late).toMatchObject({ code: 3, stdout: "", stderr: expect.stringMatching(/still RUNNING at the deadline/) });
  });
});
