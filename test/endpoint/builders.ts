/**
 * Ready-made worlds and accounts for gate tests, the demo and benchmarks. Every helper adds to a World
 * and returns the account it created, so tests can tweak it further.
 */
import { controlFinding, type AsffFinding, type ControlFindingSpec } from "./findings";
import { addAccount, addOrganizationalUnit, emptyWorld, worldNow, type AccountState, type NewAccount, type World } from "./world";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

export interface AccountOptions extends Omit<NewAccount, "id"> {
  /** Home region where the finding lives (default us-east-1). */
  region?: string;
}

function iso(world: World, offsetMs: number): string {
  return new Date(worldNow(world).getTime() + offsetMs).toISOString();
}

function storeFinding(world: World, finding: AsffFinding): void {
  (world.findings[world.securityHubAccountId] ??= []).push(finding);
}

function iam4(world: World, accountId: string, region: string, extra: Partial<ControlFindingSpec>): AsffFinding {
  return controlFinding({ control: "IAM.4", accountId, region, status: "PASSED", updatedAt: iso(world, -2 * HOUR), ...extra });
}

/** One IAM user with a 30-day-old active key (IAM.3 clean). */
function addPipelineUser(world: World, account: AccountState): void {
  account.users.push({
    userName: "deployer",
    userId: `AIDA${account.id}DEPLOY`,
    path: "/",
    createDate: iso(world, -120 * DAY),
    passwordEnabled: false,
    tags: { owner: "platform-team" },
    accessKeys: [
      {
        accessKeyId: `AKIA${account.id}DPL1`,
        status: "Active",
        createDate: iso(world, -30 * DAY),
        lastUsed: { date: iso(world, -1 * DAY), region: "us-east-1", service: "sts" },
      },
    ],
  });
}

/** No root keys anywhere, fresh report, a fresh PASSED IAM.4 finding in the aggregator: PASS. */
export function cleanAccount(world: World, id: string, opts: AccountOptions = {}): AccountState {
  const account = addAccount(world, { id, name: opts.name ?? `clean-${id}`, ...opts });
  addPipelineUser(world, account);
  storeFinding(world, iam4(world, id, opts.region ?? "us-east-1", {}));
  return account;
}

/**
 * An inactive root key: GetAccountSummary counts it (1), the report shows slot 1 inactive with a
 * rotation date, and Security Hub has a fresh FAILED IAM.4 finding: FAIL.
 */
export function accountWithInactiveRootKey(world: World, id: string, opts: AccountOptions = {}): AccountState {
  const account = addAccount(world, { id, name: opts.name ?? `root-key-${id}`, ...opts });
  addPipelineUser(world, account);
  account.rootAccessKeysPresent = 1;
  account.rootKeys = [{ active: false, lastRotated: iso(world, -200 * DAY) }];
  storeFinding(world, iam4(world, id, opts.region ?? "us-east-1", { status: "FAILED", workflow: "NEW" }));
  return account;
}

/**
 * Gives `account` root access keys (replacing any): the credential report's slots, GetAccountSummary's count
 * and what a centralized-root session's ListAccessKeys lists. `lastUsedDaysAgo` null: never used.
 */
export function withRootAccessKeys(world: World, account: AccountState, keys: { active: boolean; createdDaysAgo: number; lastUsedDaysAgo?: number | null; accessKeyId?: string }[]): AccountState {
  account.rootKeys = keys.map((k) => ({
    active: k.active,
    lastRotated: iso(world, -k.createdDaysAgo * DAY),
    ...(k.accessKeyId !== undefined ? { accessKeyId: k.accessKeyId } : {}),
    ...(k.lastUsedDaysAgo !== undefined && k.lastUsedDaysAgo !== null ? { lastUsed: { date: iso(world, -k.lastUsedDaysAgo * DAY), region: "us-east-1", service: "s3" } } : {}),
  }));
  account.rootAccessKeysPresent = keys.length;
  return account;
}

/**
 * A just-vended account: clean live data but no IAM.4 finding yet (INCONCLUSIVE). A Config
 * re-evaluation (`--wait`) makes a PASSED finding appear.
 */
export function accountAwaitingFindings(world: World, id: string, opts: AccountOptions = {}): AccountState {
  const account = addAccount(world, { id, name: opts.name ?? `new-${id}`, ...opts });
  account.joinedTimestamp = iso(world, -1 * HOUR);
  world.findingsAfterEvaluation[id] = [iam4(world, id, opts.region ?? "us-east-1", {})];
  return account;
}

export const EXAMPLE_IDS = {
  management: "111111111111",
  securityTooling: "222222222222",
  clean: "333333333333",
  inactiveRootKey: "444444444444",
  awaitingFindings: "555555555555",
} as const;

/** The demo organization: management, security tooling (aggregator), and the three showcase accounts. */
export function exampleWorld(): World {
  const world = emptyWorld(EXAMPLE_IDS.management);
  world.securityHubAccountId = EXAMPLE_IDS.securityTooling;
  const security = addOrganizationalUnit(world, "ou-ex01-security", "Security");
  const workloads = addOrganizationalUnit(world, "ou-ex01-workloads", "Workloads");
  const sandbox = addOrganizationalUnit(world, "ou-ex01-sandbox", "Sandbox", workloads.id);
  storeFinding(world, iam4(world, EXAMPLE_IDS.management, "us-east-1", {}));
  cleanAccount(world, EXAMPLE_IDS.securityTooling, { name: "security-tooling", parentId: security.id });
  cleanAccount(world, EXAMPLE_IDS.clean, { name: "payments-prod", parentId: workloads.id });
  accountWithInactiveRootKey(world, EXAMPLE_IDS.inactiveRootKey, { name: "legacy-batch", parentId: workloads.id });
  accountAwaitingFindings(world, EXAMPLE_IDS.awaitingFindings, { name: "new-sandbox", parentId: sandbox.id });
  return world;
}

export interface BigOrganizationOptions {
  /** OUs per level (default 4) and nesting depth (default 3). */
  ousPerLevel?: number;
  depth?: number;
  /** Every k-th account gets the state (0 = never). Defaults: 10, 7, 13, 17, 19. */
  inactiveRootKeyEvery?: number;
  awaitingFindingsEvery?: number;
  suspendedEvery?: number;
  missingRoleEvery?: number;
  securityHubDisabledEvery?: number;
  /** First account id (default 100000000000). */
  firstAccountId?: number;
}

/**
 * n member accounts spread over nested OUs, with deterministic mixed states, plus management and
 * security-tooling accounts. Memory stays small: one user and one finding per account.
 */
export function bigOrganization(n: number, opts: BigOrganizationOptions = {}): World {
  const world = emptyWorld(EXAMPLE_IDS.management);
  world.securityHubAccountId = EXAMPLE_IDS.securityTooling;
  storeFinding(world, iam4(world, EXAMPLE_IDS.management, "us-east-1", {}));
  cleanAccount(world, EXAMPLE_IDS.securityTooling, { name: "security-tooling" });
  const perLevel = Math.max(1, opts.ousPerLevel ?? 4);
  const depth = Math.max(1, opts.depth ?? 3);
  const leaves: string[] = [];
  let level = [world.rootId];
  for (let d = 0; d < depth; d++) {
    const next: string[] = [];
    for (const parent of level) {
      for (let i = 0; i < perLevel && next.length < 256; i++) {
        const ou = addOrganizationalUnit(world, `ou-big1-${d}${String(next.length).padStart(4, "0")}`, `ou-${d}-${next.length}`, parent);
        next.push(ou.id);
      }
    }
    leaves.push(...next);
    level = next;
  }
  const every = (k: number | undefined, fallback: number, i: number) => {
    const step = k ?? fallback;
    return step > 0 && i % step === step - 1;
  };
  const first = opts.firstAccountId ?? 100000000000;
  for (let i = 0; i < n; i++) {
    const id = String(first + i);
    const spec = { name: `member-${i}`, parentId: leaves[i % leaves.length] };
    let account: AccountState;
    if (every(opts.inactiveRootKeyEvery, 10, i)) account = accountWithInactiveRootKey(world, id, spec);
    else if (every(opts.awaitingFindingsEvery, 7, i)) account = accountAwaitingFindings(world, id, spec);
    else account = cleanAccount(world, id, spec);
    if (every(opts.suspendedEvery, 13, i)) account.status = "SUSPENDED";
    if (every(opts.missingRoleEvery, 17, i)) account.roles = [];
    if (every(opts.securityHubDisabledEvery, 19, i)) account.securityHubRegions = [];
  }
  return world;
}
