/**
 * Issue 13, callers in other accounts: gateService.promote.callerRoleArns. Empty (the default) changes nothing in
 * the synth output; set, one role GuardrailsPromoteCaller in the service's account, trusted by exactly those roles
 * of this organization, allowed to start guardrails-promote and to describe or stop its executions, nothing else.
 * Bad entries are config errors naming the field and the value (exit 2 from the gate, nothing sent).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GuardrailsConfigInput } from "../../modules/config";
import { buildApp } from "../../modules/stacks";
import { startLocalAws, endpointEnv, type LocalAws } from "../endpoint";
import { runInProcess, setAwsEnv } from "../e2e/in-process";
import { gateTestConfig, writeConfig } from "../gate-io/config-fixture";
import { exampleConfig, resourcesOf, type Json } from "./helpers";

const scratch = mkdtempSync(join(tmpdir(), "guardrails-promote-callers-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let n = 0;
function synthAll(overrides: Partial<GuardrailsConfigInput>): Map<string, Buffer> {
  const outdir = join(scratch, `out-${n++}`);
  buildApp(exampleConfig(overrides), outdir).app.synth();
  const files = new Map<string, Buffer>();
  for (const rel of readdirSync(outdir, { recursive: true }) as string[]) {
    if (statSync(join(outdir, rel)).isFile()) files.set(rel, readFileSync(join(outdir, rel)));
  }
  return files;
}
const stackOf = (files: Map<string, Buffer>, name: string): Json => JSON.parse(files.get(join("stacks", name, "cdk.tf.json"))!.toString("utf8")) as Json;

const AFT_ROLE = "arn:aws:iam::555555555555:role/aft-account-provisioning-customizations-role";
const PIPELINE_ROLE = "arn:aws:iam::666666666666:role/ci/AccountVendingPipeline";
const PROMOTE = "arn:aws:states:eu-west-1:111111111111:stateMachine:guardrails-promote";

describe("callerRoleArns empty: the output does not change", () => {
  it("enabled with callerRoleArns [] is byte for byte what enabled without it is, and names no caller role", () => {
    const without = synthAll({ gateService: { enabled: true } });
    const empty = synthAll({ gateService: { enabled: true, promote: { callerRoleArns: [] } } });
    expect([...empty.keys()].sort()).toEqual([...without.keys()].sort());
    for (const [path, bytes] of without) expect({ path, same: bytes.equals(empty.get(path)!) }).toEqual({ path, same: true });
    expect([...without.values()].some((b) => b.includes("GuardrailsPromoteCaller"))).toBe(false);
  });
});

describe("callerRoleArns set: GuardrailsPromoteCaller, exactly", () => {
  const without = synthAll({ gateService: { enabled: true } });
  const withCallers = synthAll({ gateService: { enabled: true, promote: { callerRoleArns: [AFT_ROLE, PIPELINE_ROLE] } } });
  const gs = stackOf(withCallers, "gate-service");
  const role = resourcesOf(gs, "aws_iam_role").find((r) => r.name === "GuardrailsPromoteCaller")!;
  const policies = resourcesOf(gs, "aws_iam_role_policy").filter((p) => p.role === `\${aws_iam_role.${Object.keys(gs.resource.aws_iam_role).find((k) => gs.resource.aws_iam_role[k].name === "GuardrailsPromoteCaller")}.name}`);

  it("trusted by exactly the listed roles, and only while their account is in this organization", () => {
    expect(JSON.parse(role.assume_role_policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "ConfiguredCallersInThisOrganization",
          Effect: "Allow",
          Principal: { AWS: [AFT_ROLE, PIPELINE_ROLE] },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:PrincipalOrgID": "o-ab12cd34ef" } },
        },
      ],
    });
  });

  it("one inline policy: StartExecution on guardrails-promote, DescribeExecution/StopExecution on its executions, no EventBridge", () => {
    expect(policies).toHaveLength(1);
    expect(resourcesOf(gs, "aws_iam_role_policy_attachment").filter((a) => String(a.role).includes("GuardrailsPromoteCaller"))).toEqual([]);
    expect(JSON.parse(policies[0]!.policy)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "StartGuardrailsPromote", Effect: "Allow", Action: "states:StartExecution", Resource: PROMOTE },
        { Sid: "FollowGuardrailsPromoteExecutions", Effect: "Allow", Action: ["states:DescribeExecution", "states:StopExecution"], Resource: "arn:aws:states:eu-west-1:111111111111:execution:guardrails-promote:*" },
      ],
    });
  });

  it("adds that role and its policy and changes nothing else, in any stack", () => {
    const strip = (json: Json): Json => {
      const copy = structuredClone(json);
      for (const type of ["aws_iam_role", "aws_iam_role_policy"]) {
        for (const [id, body] of Object.entries(copy.resource[type] as Record<string, Json>)) {
          if (id.includes("promote-callers")) delete copy.resource[type][id];
          else delete body["//"];
        }
      }
      return copy;
    };
    const before = stackOf(without, "gate-service");
    expect(Object.keys(gs.resource.aws_iam_role).length).toBe(Object.keys(before.resource.aws_iam_role).length + 1);
    expect(Object.keys(gs.resource.aws_iam_role_policy).length).toBe(Object.keys(before.resource.aws_iam_role_policy).length + 1);
    expect(strip(gs).resource).toEqual(strip(before).resource);
    for (const name of ["management", "security-tooling"]) expect(withCallers.get(join("stacks", name, "cdk.tf.json"))!.equals(without.get(join("stacks", name, "cdk.tf.json"))!)).toBe(true);
  });
});

describe("config validation: each bad entry names the field and the value", () => {
  it.each<[string, unknown[], string]>([
    ["an account id", ["555555555555"], 'gateService.promote.callerRoleArns[0]: "555555555555" names a whole account: name the caller\'s role'],
    ["an account root", ["arn:aws:iam::555555555555:root"], 'gateService.promote.callerRoleArns[0]: "arn:aws:iam::555555555555:root" names a whole account'],
    ["a wildcard", ["arn:aws:iam::555555555555:role/aft-*"], 'gateService.promote.callerRoleArns[0]: "arn:aws:iam::555555555555:role/aft-*" has a wildcard'],
    ["a role session", ["arn:aws:sts::555555555555:assumed-role/aft/session"], 'gateService.promote.callerRoleArns[0]: "arn:aws:sts::555555555555:assumed-role/aft/session" is a role session'],
    ["an IAM user", ["arn:aws:iam::555555555555:user/ci"], 'gateService.promote.callerRoleArns[0]: "arn:aws:iam::555555555555:user/ci" is an IAM user'],
    ["not an ARN", ["aft-account-provisioning-customizations-role"], 'gateService.promote.callerRoleArns[0]: "aft-account-provisioning-customizations-role" is not an IAM role ARN'],
    ["a short account id in the ARN", ["arn:aws:iam::5555:role/aft"], 'gateService.promote.callerRoleArns[0]: "arn:aws:iam::5555:role/aft" is not an IAM role ARN'],
    ["a role of another partition", [AFT_ROLE.replace("arn:aws:", "arn:aws-cn:")], `gateService.promote.callerRoleArns[0]: "${AFT_ROLE.replace("arn:aws:", "arn:aws-cn:")}" is not in partition "aws"`],
    ["a role listed twice", [AFT_ROLE, PIPELINE_ROLE, AFT_ROLE], `gateService.promote.callerRoleArns[2]: "${AFT_ROLE}" is listed twice`],
    ["not a string", [42], "gateService.promote.callerRoleArns[0]: 42"],
  ])("%s", (_name, callerRoleArns, message) => {
    expect(() => exampleConfig({ gateService: { enabled: true, promote: { callerRoleArns: callerRoleArns as string[] } } })).toThrow(message);
  });

  it("role paths and every character IAM allows in a role name are accepted", () => {
    const config = exampleConfig({ gateService: { enabled: true, promote: { callerRoleArns: [PIPELINE_ROLE, "arn:aws:iam::555555555555:role/a/b/c+=,.@-_"] } } });
    expect(config.gateService.promote.callerRoleArns).toHaveLength(2);
  });

  describe("the gate reads the same file: exit 2, the field and value named, nothing sent", () => {
    let aws: LocalAws;
    let restoreEnv: () => void;
    beforeAll(async () => {
      aws = await startLocalAws();
      restoreEnv = setAwsEnv(endpointEnv(aws.url), scratch);
    });
    afterAll(async () => {
      restoreEnv();
      await aws.close();
    });

    it("guardrails check --config with an account id among the callers", async () => {
      writeConfig(scratch, "callers.json", gateTestConfig({ gateService: { enabled: true, promote: { callerRoleArns: [AFT_ROLE, "555555555555"] } } }));
      const before = aws.requests.length;
      const r = await runInProcess(["check", "333333333333", "--config", "callers.json"], { cwd: scratch });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('callers.json: gateService.promote.callerRoleArns[1]: "555555555555" names a whole account');
      expect(aws.requests.length).toBe(before);
    });
  });
});
