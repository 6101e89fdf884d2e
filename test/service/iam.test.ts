/**
 * Issue 13, least privilege: the service's function role grants exactly the actions its handlers send with the
 * function's own credentials, measured on the local endpoint over every step (check, reevaluate, promote with a
 * move and with a stale tag to remove, a sweep with --revoke); what they send through the gate's read-only role
 * is within that role's grant. Technique as test/modules/first-deploy-access.test.ts ("granted == sent").
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SweepItem } from "../../gates/service/sweep-input";
import { gateReadOnlyPolicy } from "../../modules/gate-access";
import { READY_TAG_KEY } from "../../modules/constants";
import { buildApp } from "../../modules/stacks";
import { bigOrganization } from "../endpoint";
import { exampleConfig, resourcesOf, type Json } from "../modules/helpers";
import { PRODUCTION_OU, WORK_BUCKET, objectsUnder, startService, type ServiceHarness } from "./harness";

/** Requests made with the function's own credentials; the others go through the gate's read-only role. */
const OWN_SERVICES = new Set(["organizations", "sts", "s3"]);
/** API operation -> IAM action where they differ (ListObjectsV2 is authorized as s3:ListBucket). */
const IAM_ACTION: Record<string, string> = { "s3:ListObjectsV2": "s3:ListBucket" };

const actionsOf = (policy: Json): string[] => [...new Set((policy.Statement as Json[]).flatMap((s) => s.Action as string | string[]))].sort();

let h: ServiceHarness;
const outdir = mkdtempSync(join(tmpdir(), "guardrails-service-iam-"));
beforeAll(async () => {
  const world = bigOrganization(12);
  for (const a of Object.values(world.accounts)) a.tags[READY_TAG_KEY] = "true";
  h = await startService(world);
});
afterAll(() => {
  h.aws.close();
  rmSync(outdir, { recursive: true, force: true });
});

async function everyStep(): Promise<void> {
  const ids = Object.values(h.aws.world.accounts).filter((a) => a.status === "ACTIVE");
  const awaiting = ids.find((a) => Object.prototype.hasOwnProperty.call(h.aws.world.findingsAfterEvaluation, a.id))!.id;
  const clean = ids.find((a) => a.name.startsWith("clean") || a.name.startsWith("member"))!.id;
  await h.handler({ action: "check", request: { accountId: awaiting, wait: "1h" } });
  await h.handler({ action: "reevaluate", request: { accountId: awaiting } });
  await h.handler({ action: "promote", request: { accountId: clean, moveToOu: PRODUCTION_OU } });
  await h.handler({ action: "promote", request: { accountId: awaiting } });
  await h.handler({ action: "listAccounts", runId: "iam", input: { revoke: true } });
  const items = JSON.parse(objectsUnder(h.aws, WORK_BUCKET, "runs/iam/accounts.json").get("runs/iam/accounts.json")!.body.toString()) as SweepItem[];
  for (let i = 0; i < items.length; i += h.settings.batchSize) await h.handler({ action: "checkBatch", BatchInput: { runId: "iam", revoke: true }, Items: items.slice(i, i + h.settings.batchSize) });
  await h.handler({ action: "writeSweepIndex", runId: "iam", revoke: true });
  // gateService.sweep.ouIds: the listing walks the OU tree instead.
  await h.handler({ action: "listAccounts", runId: "iam-ous", input: { ouIds: [h.aws.world.rootId] } });
}

it("the function role grants exactly what the handlers send with its own credentials; what they send through the gate role is within its grant", async () => {
  await everyStep();
  const sent = h.aws.requests.map((r) => `${r.service === "config" ? "config" : r.service}:${r.action}`).map((a) => IAM_ACTION[a] ?? a);
  const own = [...new Set(sent.filter((a) => OWN_SERVICES.has(a.split(":")[0]!)))].sort();
  const throughRole = [...new Set(sent.filter((a) => !OWN_SERVICES.has(a.split(":")[0]!)))].sort();

  const built = buildApp(exampleConfig({ gateService: { enabled: true } }), outdir);
  built.app.synth();
  const gs = JSON.parse(readFileSync(join(outdir, "stacks", "gate-service", "cdk.tf.json"), "utf8")) as Json;
  const fnPolicy = JSON.parse(resourcesOf(gs, "aws_iam_role_policy").find((p) => p.name === "GuardrailsGateService")!.policy) as Json;
  const granted = actionsOf(fnPolicy).filter((a) => !a.startsWith("logs:"));
  expect(granted).toEqual(own);
  // Every step ran: the sweep's revoke untagged, the promotion moved and tagged.
  expect(own).toEqual(expect.arrayContaining(["organizations:MoveAccount", "organizations:TagResource", "organizations:UntagResource", "s3:ListBucket", "sts:AssumeRole"]));
  const readOnly = actionsOf(gateReadOnlyPolicy());
  for (const action of throughRole) expect({ action, granted: readOnly.includes(action) }).toEqual({ action, granted: true });
});
