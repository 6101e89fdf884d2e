/**
 * config-recorders over a larger organization, in-process against the endpoint: every ACTIVE account is
 * listed across pages and nested OUs, read once through one AssumeRole (recorders and, where the stacks create
 * one, Config's service-linked role), suspended ones are skipped, and the report stays short while JSON
 * findings list every account.
 */
import { runPreflight } from "../../gates/preflight/run";
import { validateConfig } from "../../modules/config/validate";
import { SERVICE_PRINCIPALS } from "../../gates/preflight/plan";
import { addOrganizationalUnit, bigOrganization, endpointEnv, startLocalAws } from "../endpoint";
import { configWith, DEPLOY_ROLE } from "./helpers";

test("90 accounts in nested OUs: one AssumeRole each, SUSPENDED skipped, short detail, every finding in JSON", async () => {
  const world = bigOrganization(90, { ousPerLevel: 3, depth: 2, suspendedEvery: 10, missingRoleEvery: 0 });
  world.trustedServices = Object.values(SERVICE_PRINCIPALS);
  world.trails = [{ name: "org", homeRegion: "us-east-1", isMultiRegion: true, includeGlobalServiceEvents: true, isOrganizationTrail: true, isLogging: true }];
  for (const a of Object.values(world.accounts)) a.roles.push(DEPLOY_ROLE);
  // The target OU holds the first top-level OU (a third of the members, two more levels below); the rest record nothing.
  const targetOu = "ou-big1-target01";
  addOrganizationalUnit(world, targetOu, "Target");
  addOrganizationalUnit(world, "ou-big1-prod0001", "Production");
  world.organizationalUnits["ou-big1-00000"]!.parentId = targetOu;
  const inTarget = new Set<string>();
  const under = (parent: string): string[] => Object.values(world.organizationalUnits).filter((o) => o.parentId === parent).flatMap((o) => [o.id, ...under(o.id)]);
  const targetTree = new Set([targetOu, ...under(targetOu)]);
  for (const a of Object.values(world.accounts)) if (targetTree.has(a.parentId) && a.status === "ACTIVE") inTarget.add(a.id);
  const active = Object.values(world.accounts).filter((a) => a.status === "ACTIVE").map((a) => a.id);

  const aws = await startLocalAws({ world });
  const saved = { ...process.env };
  Object.assign(process.env, endpointEnv(aws.url));
  try {
    const v = validateConfig(
      configWith({
        managementAccountId: "111111111111",
        securityToolingAccountId: "222222222222",
        governedRegions: ["us-east-1"],
        organization: { id: world.organizationId, rootId: world.rootId, targetOuIds: [targetOu], productionOuId: "ou-big1-prod0001" },
      }),
    );
    if ("errors" in v) throw new Error(v.errors.join("\n"));
    let lastProgress = [0, 0];
    // The shared limiter starts every API at 10 requests/s (sweep's default for real AWS); the local endpoint takes more.
    const report = await runPreflight({ config: v.config, configFile: "org.json", concurrency: 16, limiterSettings: { initialRatePerSecond: 500, burst: 50 }, onProgress: (done, total) => (lastProgress = [done, total]) });
    const recorders = report.checks.find((c) => c.id === "config-recorders")!;
    expect(recorders.status).toBe("missing");
    const missingAccounts = new Set(recorders.findings!.map((f) => f.accountId));
    // Everything ACTIVE outside the target tree (management gets its recorder from the management stack).
    expect([...missingAccounts].sort()).toEqual(active.filter((id) => !inTarget.has(id) && id !== "111111111111").sort());
    expect(recorders.detail).toMatch(/and \d+ more/);
    expect(lastProgress).toEqual([active.length, active.length]);
    const assumed = aws.requests.filter((r) => r.action === "AssumeRole");
    // One per member account read (the security-tooling account's may be shared with securityhub-admin-state).
    expect(assumed.length).toBeGreaterThanOrEqual(active.length - 1);
    expect(assumed.length).toBeLessThanOrEqual(active.length);
    // Config's service-linked role: one GetRole in each account that gets a recorder (the target tree and the management account), none absent.
    expect(aws.requests.filter((r) => r.action === "GetRole")).toHaveLength(inTarget.size + 1);
    expect(report.checks.find((c) => c.id === "config-service-linked-role")).toMatchObject({ status: "ok", detail: expect.stringMatching(new RegExp(`^${inTarget.size + 1} account`)) });
    // Organizations pages hold 20 accounts: the listing read every page.
    expect(aws.requests.filter((r) => r.action === "ListAccounts")).toHaveLength(Math.ceil(Object.keys(world.accounts).length / 20));
  } finally {
    process.env = saved;
    await aws.close();
  }
});
