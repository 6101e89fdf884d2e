/**
 * Issue 13, "alarms on failed executions to the existing alert topic": a failed, timed-out or aborted execution of
 * guardrails-promote or guardrails-sweep pages through the security-tooling alert topic, forwarded the way root
 * CreateAccessKey events are (a rule in the service's account → the security-tooling default bus → a rule there
 * → the topic), with no alarm, no topic of the service's own and no cross-account grant on the topic's key. The
 * patterns are checked against the documented "Step Functions Execution Status Change" sample with the matcher the
 * vending-event tests use.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuardrailsConfigInput } from "../../modules/config";
import { failedExecutionsMessage, failedExecutionsPattern } from "../../modules/gate-service";
import { buildApp } from "../../modules/stacks";
import { exampleConfig, resourcesOf, type Json } from "./helpers";
import { patternMatches } from "./policy-eval";

const scratch = mkdtempSync(join(tmpdir(), "guardrails-gate-service-failures-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
function synth(overrides: Partial<GuardrailsConfigInput>): { gateService: Json; securityTooling: Json } {
  const outdir = join(scratch, `out-${n++}`);
  buildApp(exampleConfig(overrides), outdir).app.synth();
  const read = (name: string): Json => JSON.parse(readFileSync(join(outdir, "stacks", name, "cdk.tf.json"), "utf8")) as Json;
  return { gateService: read("gate-service"), securityTooling: read("security-tooling") };
}

const statements = (policy: string): Json[] => JSON.parse(policy).Statement as Json[];
const byName = (stack: Json, name: string): Json | undefined => resourcesOf(stack, "aws_cloudwatch_event_rule").find((r) => r.name === name);
/** The target of the rule named `name` (targets name their rule by reference in synth output). */
function targetOf(stack: Json, name: string): Json {
  const key = Object.keys(stack.resource.aws_cloudwatch_event_rule).find((k) => stack.resource.aws_cloudwatch_event_rule[k].name === name)!;
  return resourcesOf(stack, "aws_cloudwatch_event_target").find((t) => t.rule === `\${aws_cloudwatch_event_rule.${key}.name}`)!;
}

const SERVICE = "111111111111"; // the example's management account, where the service runs by default
const SECURITY = "222222222222"; // the example's security-tooling account
const arn = (account: string, name: string) => `arn:aws:states:eu-west-1:${account}:stateMachine:${name}`;
const PROMOTE = arn(SERVICE, "guardrails-promote");
const SWEEP = arn(SERVICE, "guardrails-sweep");
const SECURITY_BUS = `arn:aws:events:eu-west-1:${SECURITY}:event-bus/default`;

/** The documented sample (test/fixtures/aws-samples/SOURCES.md). */
const SAMPLE = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "aws-samples", "eventbridge-stepfunctions-ExecutionStatusChange-FAILED-sfndoc.json"), "utf8")) as Json;

/**
 * The sample as the service's account would emit it for one execution: its envelope's account and region, the
 * state machine and execution ARNs (execution ARN: arn:...:execution:<state machine>:<name>), and, for a failed
 * execution, `error` and `cause` as DescribeExecution returns them (the sample's detail "provides the same
 * information as the DescribeExecution API").
 */
function emitted(stateMachineArn: string, status: string, extra: { error?: string; cause?: string; account?: string } = {}): Json {
  const event = structuredClone(SAMPLE);
  const account = extra.account ?? SERVICE;
  const name = "2026-11-24T06-00-00Z";
  const executionArn = `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${name}`;
  Object.assign(event, { account, region: "eu-west-1", resources: [executionArn] });
  Object.assign(event.detail, { stateMachineArn, executionArn, name, status });
  if (extra.error !== undefined) event.detail.error = extra.error;
  if (extra.cause !== undefined) event.detail.cause = extra.cause;
  return event;
}

/** EventBridge's input transformer for a template that is one quoted string: each `<name>` replaced by the value's text. */
function render(transformer: Json, event: Json): string {
  let text = transformer.input_template as string;
  for (const [name, path] of Object.entries(transformer.input_paths as Record<string, string>)) {
    const value = path.replace(/^\$\./, "").split(".").reduce<unknown>((o, k) => (o as Json | undefined)?.[k], event);
    text = text.replaceAll(`<${name}>`, JSON.stringify(String(value)).slice(1, -1));
  }
  return JSON.parse(text) as string;
}

describe("the service in its own account (the management account by default): forwarded to the security-tooling bus", () => {
  const { gateService, securityTooling } = synth({ gateService: { enabled: true } });
  const forward = byName(gateService, "guardrails-gate-service-failed-forward")!;
  const alert = byName(securityTooling, "guardrails-gate-service-failed")!;

  it("no alarm, no topic, no key and no subscription of the service's own", () => {
    for (const type of ["aws_cloudwatch_metric_alarm", "aws_sns_topic", "aws_sns_topic_subscription", "aws_kms_key", "aws_kms_alias"]) expect({ type, found: resourcesOf(gateService, type) }).toEqual({ type, found: [] });
  });

  it("the service's account forwards exactly its two state machines' executions that did not succeed, by a role that may only put events on that bus", () => {
    expect(JSON.parse(forward.event_pattern)).toEqual({
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      account: [SERVICE],
      detail: { status: ["FAILED", "TIMED_OUT", "ABORTED"], stateMachineArn: [PROMOTE, SWEEP] },
    });
    expect(forward.region).toBeUndefined(); // the home region, where the state machines emit their events
    const target = targetOf(gateService, forward.name);
    expect(target).toMatchObject({ arn: SECURITY_BUS, role_arn: expect.stringMatching(/^\$\{aws_iam_role\.\S+\.arn\}$/) });
    const role = resourcesOf(gateService, "aws_iam_role").find((r) => r.name === "GuardrailsForwardFailedExecutions")!;
    expect(statements(role.assume_role_policy)).toEqual([
      { Sid: "ThisAccountOnly", Effect: "Allow", Principal: { Service: "events.amazonaws.com" }, Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": SERVICE } } },
    ]);
    const policies = resourcesOf(gateService, "aws_iam_role_policy").filter((p) => /^\$\{aws_iam_role\.\S*failures-forward-role\S*\.name\}$/.test(p.role));
    expect(policies.map((p) => [p.name, statements(p.policy)])).toEqual([["ForwardFailedExecutions", [{ Sid: "ForwardToSecurityTooling", Effect: "Allow", Action: "events:PutEvents", Resource: SECURITY_BUS }]]]);
  });

  it("security tooling: the same pattern publishes to the existing alert topic, whose key and topic policy still admit this account's EventBridge only", () => {
    expect(JSON.parse(alert.event_pattern)).toEqual(JSON.parse(forward.event_pattern));
    const target = targetOf(securityTooling, alert.name);
    expect(target).toMatchObject({ target_id: "alert-topic", arn: expect.stringMatching(/^\$\{aws_sns_topic\.alerting_topic_\w+\.arn\}$/) });
    expect(resourcesOf(securityTooling, "aws_sns_topic").map((t) => t.name)).toEqual(["guardrails-alerts"]);
    const key = statements(resourcesOf(securityTooling, "aws_kms_key")[0]!.policy);
    expect(key.filter((s) => s.Principal?.Service).map((s) => [s.Principal.Service, s.Condition])).toEqual([["events.amazonaws.com", { StringEquals: { "aws:SourceAccount": SECURITY } }]]);
    expect(statements(resourcesOf(securityTooling, "aws_sns_topic_policy")[0]!.policy).map((s) => s.Condition)).toEqual([{ StringEquals: { "aws:SourceAccount": SECURITY } }]);
  });

  it("the security-tooling bus admits the forwarding role by its ARN, besides the organization's root-event forwarding", () => {
    expect(statements(resourcesOf(securityTooling, "aws_cloudwatch_event_bus_policy")[0]!.policy).map((s) => s.Sid)).toEqual(["OrganizationForwardsRootEvents", "GateServiceForwardsFailedExecutions"]);
    expect(statements(resourcesOf(securityTooling, "aws_cloudwatch_event_bus_policy")[0]!.policy)[1]).toEqual({
      Sid: "GateServiceForwardsFailedExecutions",
      Effect: "Allow",
      Principal: { AWS: `arn:aws:iam::${SERVICE}:root` },
      Action: "events:PutEvents",
      Resource: SECURITY_BUS,
      Condition: { ArnEquals: { "aws:PrincipalArn": `arn:aws:iam::${SERVICE}:role/GuardrailsForwardFailedExecutions` } },
    });
  });

  it.each([
    ["guardrails-promote FAILED (not production-ready)", true, emitted(PROMOTE, "FAILED")],
    ["guardrails-sweep FAILED", true, emitted(SWEEP, "FAILED")],
    ["guardrails-sweep TIMED_OUT", true, emitted(SWEEP, "TIMED_OUT")],
    ["guardrails-promote ABORTED", true, emitted(PROMOTE, "ABORTED")],
    ["guardrails-promote SUCCEEDED", false, emitted(PROMOTE, "SUCCEEDED")],
    ["guardrails-sweep RUNNING", false, emitted(SWEEP, "RUNNING")],
    // A Distributed Map child: an execution of the labelled state machine guardrails-sweep/CheckAccounts.
    ["a guardrails-sweep child workflow execution FAILED", false, emitted(`${SWEEP}/CheckAccounts`, "FAILED")],
    ["another state machine of the account FAILED", false, emitted(arn(SERVICE, "someone-elses"), "FAILED")],
    ["the same ARN forwarded from another account of the organization", false, emitted(PROMOTE, "FAILED", { account: "333333333333" })],
    ["the documented sample as printed (another account and state machine)", false, SAMPLE],
  ])("%s: pages = %s", (_name, pages, event) => {
    expect(patternMatches(JSON.parse(forward.event_pattern), event)).toBe(pages);
    expect(patternMatches(JSON.parse(alert.event_pattern), event)).toBe(pages);
  });

  it("the page is one readable line: state machine, execution, status, error and the Fail state's cause (which account and why)", () => {
    const cause = "333333333333 is not production-ready (FAIL): IAM.4 root access key present";
    const message = render(targetOf(securityTooling, alert.name).input_transformer, emitted(PROMOTE, "FAILED", { error: "NotProductionReady", cause }));
    expect(message).toContain(`execution 2026-11-24T06-00-00Z of ${PROMOTE} ended FAILED (account ${SERVICE}, eu-west-1)`);
    expect(message).toContain(`Error: NotProductionReady. Cause: ${cause}. Execution: arn:aws:states:eu-west-1:${SERVICE}:execution:guardrails-promote:2026-11-24T06-00-00Z`);
    const quoted = render(targetOf(securityTooling, alert.name).input_transformer, emitted(SWEEP, "FAILED", { error: "SweepIncomplete", cause: 'batch "7" failed' }));
    expect(quoted).toContain('Cause: batch "7" failed.');
    expect(targetOf(securityTooling, alert.name).input_transformer).toEqual({ input_paths: failedExecutionsMessage().inputPaths, input_template: failedExecutionsMessage().inputTemplate });
  });
});

describe("the service in the security-tooling account: no forwarding, the rule matches its own bus", () => {
  const { gateService, securityTooling } = synth({ gateService: { enabled: true, accountId: SECURITY } });

  it("nothing forwards; the alerting rule pins the security-tooling account and its state machines; the bus admits no one new", () => {
    expect(resourcesOf(gateService, "aws_cloudwatch_event_rule")).toEqual([]);
    expect(resourcesOf(gateService, "aws_iam_role").map((r) => r.name)).not.toContain("GuardrailsForwardFailedExecutions");
    expect(JSON.parse(byName(securityTooling, "guardrails-gate-service-failed")!.event_pattern)).toEqual(
      failedExecutionsPattern({ accountId: SECURITY, stateMachineArns: [arn(SECURITY, "guardrails-promote"), arn(SECURITY, "guardrails-sweep")] }),
    );
    expect(statements(resourcesOf(securityTooling, "aws_cloudwatch_event_bus_policy")[0]!.policy).map((s) => s.Sid)).toEqual(["OrganizationForwardsRootEvents"]);
  });
});

describe("root-event forwarding off, the service on", () => {
  const { securityTooling } = synth({ gateService: { enabled: true }, alerting: { email: "security-alerts@example.com", rootAccessKeyAlerts: false } });

  it("the bus policy admits only the service's forwarding role (no organization-wide grant appears for it)", () => {
    expect(statements(resourcesOf(securityTooling, "aws_cloudwatch_event_bus_policy")[0]!.policy).map((s) => s.Sid)).toEqual(["GateServiceForwardsFailedExecutions"]);
    expect(byName(securityTooling, "guardrails-gate-service-failed")).toBeDefined();
  });
});
