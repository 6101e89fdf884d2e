/**
 * Issue 13, the module: `gateService` off by default (nothing of it in the synth output), `{"enabled": true}`
 * alone synthesizes the whole service with documented defaults; runtime, architecture, bundle, schedule, event
 * patterns against the documented sample events, trust of the service's role by the gate roles and the bucket.
 * IAM actions against what the handlers send: test/service/iam.test.ts.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePromoteRequest } from "../../gates/service/promote-steps";
import { parseSettings } from "../../gates/service/settings";
import { EXAMPLE_CONFIG, type GuardrailsConfigInput } from "../../modules/config";
import { PROMOTE_MAX_RECHECKS } from "../../modules/constants";
import { CONTROL_TOWER_ACCOUNT_CREATED, ORGANIZATIONS_ACCOUNT_CREATED, gateServiceSettings, promoteDefinition, sweepDefinition } from "../../modules/gate-service";
import { buildApp } from "../../modules/stacks";
import { main } from "../../main";
import { exampleConfig, resourcesOf, type Json } from "./helpers";
import { patternMatches } from "./policy-eval";
import { readZip } from "./zip";

const scratch = mkdtempSync(join(tmpdir(), "guardrails-gate-service-synth-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
/** Every file cdktf writes, by path relative to the outdir (assets as their bytes). */
function synthAll(overrides: Partial<GuardrailsConfigInput>): { files: Map<string, Buffer>; outdir: string } {
  const outdir = join(scratch, `out-${n++}`);
  buildApp(exampleConfig(overrides), outdir).app.synth();
  const files = new Map<string, Buffer>();
  for (const rel of readdirSync(outdir, { recursive: true }) as string[]) {
    if (statSync(join(outdir, rel)).isFile()) files.set(rel, readFileSync(join(outdir, rel)));
  }
  return { files, outdir };
}

const stack = (s: { files: Map<string, Buffer> }, name: string): Json => JSON.parse(s.files.get(join("stacks", name, "cdk.tf.json"))!.toString("utf8")) as Json;
const fixture = (name: string): Json => JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "aws-samples", name), "utf8")) as Json;
const statements = (policy: string): Json[] => JSON.parse(policy).Statement as Json[];

describe("off by default: nothing of the service in the output", () => {
  const absent = synthAll({});
  it("the output is the same, byte for byte, with the section absent, disabled, or disabled with settings", () => {
    for (const variant of [{ gateService: { enabled: false } }, { gateService: { enabled: false, accountId: "222222222222" } }, { gateService: { enabled: false, sweep: { revoke: true }, promote: { onOrganizationsAccountCreated: true, callerRoleArns: ["arn:aws:iam::555555555555:role/aft-account-provisioning-customizations-role"] } } }]) {
      const other = synthAll(variant);
      expect([...other.files.keys()].sort()).toEqual([...absent.files.keys()].sort());
      for (const [path, bytes] of absent.files) expect({ path, same: bytes.equals(other.files.get(path)!) }).toEqual({ path, same: true });
    }
  });

  it("no gate-service stack, asset, role or trust", () => {
    expect([...absent.files.keys()].filter((p) => p.includes("gate-service") || p.includes("assets"))).toEqual([]);
    expect(Object.keys(JSON.parse(absent.files.get("manifest.json")!.toString()).stacks).sort()).toEqual(["management", "security-tooling"]);
    expect([...absent.files.values()].some((b) => b.includes("GuardrailsGateService"))).toBe(false);
  });
});

describe('"gateService": {"enabled": true} alone: the whole service with documented defaults', () => {
  const on = synthAll({ gateService: { enabled: true } });
  const gs = stack(on, "gate-service");
  const fn = resourcesOf(gs, "aws_lambda_function")[0]!;

  it("one function: current Node.js runtime, arm64, index.handler, 15 min, its settings valid for the handler", () => {
    expect(resourcesOf(gs, "aws_lambda_function")).toHaveLength(1);
    expect(fn).toMatchObject({ function_name: "guardrails-gate", runtime: "nodejs24.x", architectures: ["arm64"], handler: "index.handler", timeout: 900, memory_size: 1024 });
    const settings = parseSettings(JSON.parse(fn.environment.variables.GUARDRAILS_GATE_SERVICE));
    expect(settings).toMatchObject({ homeRegion: "eu-west-1", managementAccountId: "111111111111", securityHubAccountId: "222222222222", productionOuId: "ou-ab12-33333333", evidenceBucket: "example-org-guardrails-evidence", workBucket: "guardrails-gate-service-111111111111-eu-west-1", batchSize: 50 });
    expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
  });

  it("the bundle is in the asset, under 5 MB zipped, and records this package's version; the zip is the same bytes on every synth", () => {
    const zip = on.files.get(join("stacks", "gate-service", fn.filename))!;
    expect(zip.length).toBeLessThan(5 * 1024 * 1024);
    const entries = readZip(zip);
    expect(entries.map((e) => e.name).sort()).toEqual(["index.js", "index.js.LEGAL.txt", "package.json"]);
    const version = (JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;
    expect(JSON.parse(entries.find((e) => e.name === "package.json")!.data.toString())).toEqual({ name: "@cis-guardrails/gate", version, private: true });
    expect(entries.find((e) => e.name === "index.js")!.data.toString()).toContain("GUARDRAILS_GATE_SERVICE");
    const again = synthAll({ gateService: { enabled: true } });
    expect(again.files.get(join("stacks", "gate-service", fn.filename))!.equals(zip)).toBe(true);
  });

  it("the two state machines, their definitions as the module builds them, logging to groups with retention", () => {
    const machines = resourcesOf(gs, "aws_sfn_state_machine");
    expect(machines.map((m) => m.name).sort()).toEqual(["guardrails-promote", "guardrails-sweep"]);
    const fnArn = "arn:aws:lambda:eu-west-1:111111111111:function:guardrails-gate";
    const byName = (name: string): Json => machines.find((m) => m.name === name)!;
    expect(JSON.parse(byName("guardrails-promote").definition)).toEqual(promoteDefinition({ functionArn: fnArn }));
    const sweep = JSON.parse(byName("guardrails-sweep").definition) as Json;
    expect(sweep).toEqual(sweepDefinition({ functionArn: fnArn, partition: "aws", workBucket: "guardrails-gate-service-111111111111-eu-west-1", batchSize: 50, maxConcurrency: 10 }));
    expect(sweep.States.CheckAccounts).toMatchObject({
      ItemReader: { Resource: "arn:aws:states:::s3:getObject", ReaderConfig: { InputType: "JSON" } },
      ItemBatcher: { MaxItemsPerBatch: 50 },
      MaxConcurrency: 10,
      ToleratedFailurePercentage: 0,
      ItemProcessor: { ProcessorConfig: { Mode: "DISTRIBUTED" } },
    });
    for (const m of machines) expect(m.logging_configuration).toMatchObject({ level: "ERROR", log_destination: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.\S+\.arn\}:\*$/) });
    expect(resourcesOf(gs, "aws_cloudwatch_log_group").map((g) => [g.name, g.retention_in_days]).sort()).toEqual([
      ["/aws/lambda/guardrails-gate", 365],
      ["/aws/vendedlogs/states/guardrails-promote", 365],
      ["/aws/vendedlogs/states/guardrails-sweep", 365],
    ]);
  });

  it("the sweep runs daily from an EventBridge Scheduler schedule, started by a role only this account's Scheduler assumes", () => {
    const schedule = resourcesOf(gs, "aws_scheduler_schedule")[0]!;
    expect(schedule).toMatchObject({ name: "guardrails-sweep", schedule_expression: "cron(0 6 * * ? *)", schedule_expression_timezone: "UTC", state: "ENABLED", flexible_time_window: { mode: "OFF" } });
    expect(schedule.target.arn).toMatch(/^\$\{aws_sfn_state_machine\.gate-service_sweep_\S+\.arn\}$/);
    expect(JSON.parse(schedule.target.input)).toEqual({ ouIds: [], revoke: false });
    const role = resourcesOf(gs, "aws_iam_role").find((r) => r.name === "GuardrailsStartSweep")!;
    expect(statements(role.assume_role_policy)[0]).toMatchObject({ Principal: { Service: "scheduler.amazonaws.com" }, Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } } });
    const policy = resourcesOf(gs, "aws_iam_role_policy").find((p) => p.name === "StartSweep")!;
    expect(statements(policy.policy)).toEqual([{ Sid: "StartExecution", Effect: "Allow", Action: "states:StartExecution", Resource: "arn:aws:states:eu-west-1:111111111111:stateMachine:guardrails-sweep" }]);
  });

  it("no vending-event rule unless asked; the only rule forwards failed executions (test/modules/gate-service-failures.test.ts), no alarm", () => {
    expect(resourcesOf(gs, "aws_cloudwatch_event_rule").map((r) => r.name)).toEqual(["guardrails-gate-service-failed-forward"]);
    expect(resourcesOf(gs, "aws_cloudwatch_metric_alarm")).toEqual([]);
  });

  it("the gate's read-only role (StackSet, management account's stacks, security tooling) and the evidence bucket trust the service's role", () => {
    const serviceRole = "arn:aws:iam::111111111111:role/GuardrailsGateService";
    const management = stack(on, "management");
    const template = JSON.parse(resourcesOf(management, "aws_cloudformation_stack_set")[0]!.template_body) as Json;
    expect(template.Resources.GateReadOnlyRole.Properties.AssumeRolePolicyDocument.Statement[0].Condition.ArnLike["aws:PrincipalArn"]).toEqual(["arn:aws:iam::111111111111:role/AccountVendingPipeline", serviceRole]);
    const st = stack(on, "security-tooling");
    const readOnly = resourcesOf(st, "aws_iam_role").find((r) => r.name === "GuardrailsGateReadOnly")!;
    expect(statements(readOnly.assume_role_policy)[0]!.Condition.ArnLike["aws:PrincipalArn"]).toContain(serviceRole);
    const bucketPolicy = statements(resourcesOf(st, "aws_s3_bucket_policy")[0]!.policy).find((s) => s.Sid === "GateWritesEvidence")!;
    expect(bucketPolicy.Condition.ArnLike["aws:PrincipalArn"]).toContain(serviceRole);
    // The promotion policy is not attached to it (the service role has its own).
    expect(resourcesOf(management, "aws_iam_role_policy_attachment").map((a) => a.role)).toEqual(["AccountVendingPipeline"]);
  });

  it("the work bucket: encrypted, private, TLS only, its files expiring", () => {
    expect(resourcesOf(gs, "aws_s3_bucket")[0]).toMatchObject({ bucket: "guardrails-gate-service-111111111111-eu-west-1" });
    expect(resourcesOf(gs, "aws_s3_bucket_lifecycle_configuration")[0]!.rule[0]).toMatchObject({ status: "Enabled", filter: [{ prefix: "runs/" }], expiration: [{ days: 14 }] });
    expect(resourcesOf(gs, "aws_s3_bucket_public_access_block")[0]).toMatchObject({ block_public_acls: true, restrict_public_buckets: true });
    expect(statements(resourcesOf(gs, "aws_s3_bucket_policy")[0]!.policy)[0]).toMatchObject({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });
});

describe("vending events start guardrails-promote: the patterns match the documented sample events, the input is what the handler accepts", () => {
  const on = synthAll({ gateService: { enabled: true, promote: { onControlTowerAccountCreated: true, onOrganizationsAccountCreated: true, eventMoveToProductionOu: true } } });
  const gs = stack(on, "gate-service");
  const rules = resourcesOf(gs, "aws_cloudwatch_event_rule");
  const targets = resourcesOf(gs, "aws_cloudwatch_event_target");
  /** EventBridge's input transformer: `<name>` outside quotes replaced by the value as JSON. */
  const transform = (t: Json, event: Json): unknown => {
    let text = t.input_transformer.input_template as string;
    for (const [name, path] of Object.entries(t.input_transformer.input_paths as Record<string, string>)) {
      const value = path.replace(/^\$\./, "").split(".").reduce<unknown>((o, k) => (o as Json)?.[k], event);
      text = text.replaceAll(`<${name}>`, JSON.stringify(value));
    }
    return JSON.parse(text);
  };

  it.each([
    ["Control Tower CreateManagedAccount", CONTROL_TOWER_ACCOUNT_CREATED, "eventbridge-controltower-CreateManagedAccount-SUCCEEDED-ctdoc.json", "333333333333", ["createManagedAccountStatus"]],
    ["Organizations CreateAccountResult", ORGANIZATIONS_ACCOUNT_CREATED, "eventbridge-organizations-CreateAccountResult-SUCCEEDED-orgsdoc.json", "444455556666", ["createAccountStatus"]],
  ] as const)("%s: SUCCEEDED matches, FAILED and other events do not; the target's input passes the handler's validation", (_name, event, file, accountId, [statusKey]) => {
    const sample = fixture(file);
    const rule = rules.find((r) => r.name === `guardrails-promote-on-${event.id}`)!;
    const pattern = JSON.parse(rule.event_pattern) as Json;
    expect(pattern).toEqual(event.pattern);
    expect(patternMatches(pattern, sample)).toBe(true);
    const failed = structuredClone(sample);
    failed.detail.serviceEventDetails[statusKey].state = "FAILED";
    expect(patternMatches(pattern, failed)).toBe(false);
    const other = structuredClone(sample);
    other.detail.eventName = "UpdateManagedAccount";
    expect(patternMatches(pattern, other)).toBe(false);
    const ruleKey = Object.keys(gs.resource.aws_cloudwatch_event_rule).find((k) => gs.resource.aws_cloudwatch_event_rule[k].name === rule.name)!;
    const target = targets.find((t) => t.rule === `\${aws_cloudwatch_event_rule.${ruleKey}.name}`)!;
    expect(target).toMatchObject({ target_id: "guardrails-promote", role_arn: expect.stringMatching(/^\$\{aws_iam_role\.\S+\.arn\}$/) });
    const input = transform(target, sample);
    expect(input).toEqual({ accountId, wait: "240m", moveToOu: "ou-ab12-33333333" });
    const settings = parseSettings(JSON.parse(resourcesOf(gs, "aws_lambda_function")[0]!.environment.variables.GUARDRAILS_GATE_SERVICE));
    expect(parsePromoteRequest(input, settings)).toEqual({ accountId, waitSeconds: 14_400, moveToOuId: "ou-ab12-33333333" });
  });

  it("Organizations events arrive in us-east-1 only: a rule there forwards them to the home region's bus (eu-west-1 here); Control Tower's home is the home region", () => {
    const forward = rules.filter((r) => r.region !== undefined);
    expect(forward.map((r) => [r.name, r.region])).toEqual([["guardrails-promote-on-organizations-account-created-forward", "us-east-1"]]);
    const forwardTarget = targets.find((t) => t.region === "us-east-1")!;
    expect(forwardTarget.arn).toBe("arn:aws:events:eu-west-1:111111111111:event-bus/default");
    const putEvents = resourcesOf(gs, "aws_iam_role_policy").find((p) => p.name === "Forward-organizations-account-created")!;
    expect(statements(putEvents.policy)).toEqual([{ Sid: "ForwardToHomeRegion", Effect: "Allow", Action: "events:PutEvents", Resource: "arn:aws:events:eu-west-1:111111111111:event-bus/default" }]);
  });

  it.each([
    ["aws-us-gov", "us-gov-east-1", "us-gov-west-1"],
    // Organizations' endpoint in China is Ningxia; IAM's (and its root-key events) is Beijing.
    ["aws-cn", "cn-north-1", "cn-northwest-1"],
  ] as const)("in %s (home %s) Organizations events are forwarded from %s, its endpoint's region", (partition, home, expected) => {
    const other = synthAll({
      partition,
      homeRegion: home,
      governedRegions: [home],
      gate: { trustedPrincipalArns: [`arn:${partition}:iam::111111111111:role/AccountVendingPipeline`] },
      scp: { breakGlassPrincipalArns: [`arn:${partition}:iam::*:role/BreakGlassAdministrator`], slotsAlreadyUsed: 1 },
      gateService: { enabled: true, promote: { onOrganizationsAccountCreated: true } },
    });
    const forward = resourcesOf(stack(other, "gate-service"), "aws_cloudwatch_event_rule").filter((r) => r.region !== undefined);
    expect(forward.map((r) => [r.name, r.region])).toEqual([["guardrails-promote-on-organizations-account-created-forward", expected]]);
  });

  it("a rule may start guardrails-promote and nothing else", () => {
    const policy = resourcesOf(gs, "aws_iam_role_policy").find((p) => p.name === "StartPromote")!;
    expect(statements(policy.policy)).toEqual([{ Sid: "StartExecution", Effect: "Allow", Action: "states:StartExecution", Resource: "arn:aws:states:eu-west-1:111111111111:stateMachine:guardrails-promote" }]);
  });
});

describe("a promote execution's longest wait fits its history (25,000 events, 9 per re-check)", () => {
  /** Re-checks in a wait of `seconds`, as the check step spaces them (gates/service/promote-steps.ts): an upper bound, checks taking no time. */
  const rechecks = (seconds: number, backoff: { baseSeconds: number; maxSeconds: number }): number => {
    let waited = 0;
    let n = 0;
    for (;;) {
      const delay = Math.min(backoff.maxSeconds, backoff.baseSeconds * 2 ** n);
      if (waited + delay >= seconds) return n;
      waited += delay;
      n++;
    }
  };
  it.each([
    [4, 60],
    [16, 60],
    [24, 87],
    [72, 260],
  ])("maxWaitHours %i: re-checks at most every %i s, within the budget", (hours, maxSeconds) => {
    const settings = gateServiceSettings(exampleConfig({ gateService: { enabled: true, promote: { maxWaitHours: hours } } }));
    expect(settings.waitBackoff).toEqual({ baseSeconds: 5, maxSeconds });
    const n = rechecks(settings.maxWaitSeconds, settings.waitBackoff);
    // PROMOTE_MAX_RECHECKS at the longest interval, plus the shorter ones while it doubles up to it (5, 10, ... s).
    expect(n).toBeLessThanOrEqual(PROMOTE_MAX_RECHECKS + Math.ceil(Math.log2(maxSeconds / 5)));
    expect(9 * n).toBeLessThan(25_000 / 2);
    expect(() => parseSettings(settings)).not.toThrow();
  });
});

describe("config validation", () => {
  it.each<[string, Partial<GuardrailsConfigInput>, RegExp]>([
    ["vending events with the service outside the management account", { gateService: { enabled: true, accountId: "222222222222", promote: { onOrganizationsAccountCreated: true } } }, /gateService\.promote\.onOrganizationsAccountCreated: Organizations delivers CreateAccountResult to the management account/],
    [
      "an event wait longer than promote accepts",
      { gateService: { enabled: true, promote: { maxWaitHours: 2, onOrganizationsAccountCreated: true } } },
      /gateService\.promote\.eventWaitMinutes: 240 is longer than gateService\.promote\.maxWaitHours \(2 h = 120 min\)/,
    ],
    ["a schedule that is no expression", { gateService: { enabled: true, sweep: { schedule: "daily" } } }, /gateService\.sweep\.schedule: "daily" is not a cron\(\.\.\.\) or rate\(\.\.\.\) expression/],
    ["a retention CloudWatch Logs does not offer", { gateService: { enabled: true, logRetentionDays: 100 } }, /gateService\.logRetentionDays: 100 is not a CloudWatch Logs retention/],
    ["an unknown field", { gateService: { enabled: true, schedule: "x" } as never }, /gateService\.schedule: unknown field/],
  ])("%s", (_name, overrides, message) => {
    expect(() => exampleConfig(overrides)).toThrow(message);
  });
});

describe("npm start with the service enabled", () => {
  it("synthesizes the three stacks and says what the service is (main.ts's main, as npm start runs it, in process)", () => {
    const dir = mkdtempSync(join(scratch, "start-"));
    const config = join(dir, "guardrails.config.json");
    writeFileSync(config, JSON.stringify({ ...EXAMPLE_CONFIG, gateService: { enabled: true } }));
    const lines: string[] = [];
    const log = jest.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    const saved = { config: process.env["GUARDRAILS_CONFIG"], outdir: process.env["CDKTF_OUTDIR"] };
    process.env["GUARDRAILS_CONFIG"] = config;
    process.env["CDKTF_OUTDIR"] = join(dir, "cdktf.out");
    let code: number;
    try {
      code = main();
    } finally {
      log.mockRestore();
      for (const [key, value] of [["GUARDRAILS_CONFIG", saved.config], ["CDKTF_OUTDIR", saved.outdir]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    const out = lines.join("\n");
    expect(code).toBe(0);
    expect(out).toMatch(/stack gate-service: \d+ resources/);
    expect(out).toMatch(/Gate service in 111111111111 \(eu-west-1\): function guardrails-gate \(nodejs24\.x, arm64, bundle [\d.]+ MB\)/);
    expect(out).toContain("failed, timed-out or aborted executions page on guardrails-alerts (security tooling 222222222222), forwarded from 111111111111 by rule guardrails-gate-service-failed-forward");
    expect(out).toContain("GuardrailsPromoteCaller: not created (gateService.promote.callerRoleArns is empty");
    expect(readdirSync(join(dir, "cdktf.out", "stacks")).sort()).toEqual(["gate-service", "management", "security-tooling"]);
  });
});
