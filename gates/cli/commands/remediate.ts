/**
 * `guardrails remediate <account-id> [--apply] [--evidence-dir <dir>] [--output text|json|markdown]`
 * (DESIGN.md section 11): delete a member account's root access keys through centralized root access.
 * Dry run by default. Every flag and the config are validated before credentials are resolved or any request
 * is made (exit 2, nothing sent).
 */
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { ConfigError, loadGateConfig, type GateConfig } from "../../config";
import { parseDuration } from "../../duration";
import { ACCOUNT_ID_PATTERN, DEFAULTS, homeRegionProblems } from "../../options";
import { REMEDIATE_OUTPUTS, renderRemediation, type RemediateOutput } from "../../remediate/render";
import type { RemediateOptions } from "../../remediate/run";
import { UsageError, type CliIo } from "../io";

/** Where --apply writes its bundle when --evidence-dir is not given: a remediation always leaves its evidence. */
export const DEFAULT_REMEDIATION_EVIDENCE_DIR = "guardrails-evidence";
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

interface RawRemediateOptions {
  apply?: boolean;
  evidenceDir?: string;
  output: RemediateOutput;
  config?: string;
  homeRegion?: string;
  roleName?: string;
  timeout: string;
  callTimeout: string;
  endpointUrl?: string;
}

const HELP = `
Dry run by default: reads the account's root access keys through a centralized-root session scoped by the AWS
managed task policy IAMAuditRootUserCredentials (it can only read) and reports what --apply would delete (key ids
masked, status, created, last used). Nothing is changed.
With --apply: opens a session scoped by IAMDeleteRootUserCredentials, deletes the root user's ACCESS KEYS only
(never its password, MFA devices or signing certificates), each with its time, then re-checks with live data
(the root session lists no key AND GetAccountSummary, through the gate role, counts 0) and writes one evidence
bundle (default directory ./${DEFAULT_REMEDIATION_EVIDENCE_DIR}); check it with guardrails verify <bundle.json>.

Exit codes:
  0  no root access key remains (or none existed)
  1  a key remains: the dry run found keys (run again with --apply), a deletion failed, or a precondition
     does not hold (each is named with the command that fixes it)
  2  usage or config error: nothing was sent to AWS (also: the target is the config's managementAccountId)
  3  the state could not be read or proven (AssumeRoot or a read failed, sources disagree)

Preconditions (checked first, read-only): the organization's RootCredentialsManagement and RootSessions features
(iam:ListOrganizationsFeatures), IAM's trusted access, the caller being the management account or IAM's
delegated administrator, and the account being an ACTIVE member (never the management account).
The credential report may lag up to 4 h after the deletion (IAM hands back a report younger than 4 h instead of
generating one): remediate says when IAM.4 can be re-checked and does not fail for it.

Runs with the management account's (or IAM delegated administrator's) credentials holding the
GuardrailsRootRemediation policy (config remediation.enabled); reads GetAccountSummary through --role-name.
AssumeRoot goes to the home region's regional STS endpoint (the global endpoint does not serve it).
`;

function duration(flag: string, text: string, problems: string[]): number | undefined {
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) {
    problems.push(`${flag} ${JSON.stringify(text)} is not a duration: use 90s, 15m, 1h or plain seconds`);
    return undefined;
  }
  return ms;
}

/** Flags + config -> library options; every problem at once (UsageError), nothing sent. */
export function resolveRemediateOptions(accountId: string, raw: RawRemediateOptions, io: CliIo, now: Date): RemediateOptions {
  const problems: string[] = [];
  if (!ACCOUNT_ID_PATTERN.test(accountId)) problems.push(`account id ${JSON.stringify(accountId)} is not a 12-digit AWS account id`);
  let config: GateConfig | null = null;
  let configDigest: string | undefined;
  if (raw.config !== undefined) {
    try {
      const loaded = loadGateConfig(resolve(io.cwd, raw.config), now);
      config = loaded.config;
      configDigest = loaded.digest;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(err.message);
    }
  }
  const sources: [string, string | undefined][] = [
    ["--home-region", raw.homeRegion],
    ["homeRegion in the config", config?.homeRegion],
    ["AWS_REGION", io.env["AWS_REGION"]],
    ["AWS_DEFAULT_REGION", io.env["AWS_DEFAULT_REGION"]],
  ];
  const [from, homeRegion] = sources.find(([, v]) => v !== undefined && v !== "") ?? ["", undefined];
  const partition = config?.partition ?? DEFAULTS.partition;
  if (homeRegion === undefined) problems.push("no home region (AssumeRoot needs a regional STS endpoint): pass --home-region or set homeRegion in the config");
  else problems.push(...homeRegionProblems(homeRegion, partition, `home region (${from})`));
  const roleName = raw.roleName ?? config?.gate.roleName;
  if (raw.roleName !== undefined && !ROLE_NAME.test(raw.roleName)) problems.push(`--role-name ${JSON.stringify(raw.roleName)} is not an IAM role name`);
  const timeoutMs = duration("--timeout", raw.timeout, problems);
  const callTimeoutMs = duration("--call-timeout", raw.callTimeout, problems);
  if (raw.endpointUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(raw.endpointUrl)) problems.push(`--endpoint-url ${JSON.stringify(raw.endpointUrl)} is not an http(s) URL`);
  if (config !== null && config.managementAccountId === accountId) {
    problems.push(
      `${accountId} is the management account (managementAccountId in ${raw.config ?? "the config"}): sts:AssumeRoot opens sessions in member accounts only; delete the management account's root access keys signed in as its root user`,
    );
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));

  const apply = raw.apply === true;
  const evidenceDir = raw.evidenceDir ?? (apply ? DEFAULT_REMEDIATION_EVIDENCE_DIR : undefined);
  const o: RemediateOptions = { accountId, homeRegion: homeRegion ?? "", partition, apply };
  if (roleName !== undefined) o.roleName = roleName;
  if (config !== null) o.managementAccountId = config.managementAccountId;
  if (evidenceDir !== undefined) o.evidenceDir = resolve(io.cwd, evidenceDir);
  if (timeoutMs !== undefined) o.timeoutMs = timeoutMs;
  if (callTimeoutMs !== undefined) o.callTimeoutMs = callTimeoutMs;
  if (raw.endpointUrl !== undefined) o.endpointUrl = raw.endpointUrl;
  if (configDigest !== undefined) o.configDigest = configDigest;
  return o;
}

export function registerRemediate(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("remediate")
    .description("delete a member account's root access keys through centralized root access (dry run unless --apply), with evidence")
    .argument("<account-id>", "the member account whose root user's access keys to delete")
    .option("--apply", "delete the root user's access keys (default: dry run, nothing changed)")
    .option("--evidence-dir <dir>", `write the evidence bundle (JSON + Markdown) here (--apply default: ./${DEFAULT_REMEDIATION_EVIDENCE_DIR})`)
    .addOption(new Option("--output <format>", "output format").choices(REMEDIATE_OUTPUTS).default("text"))
    .option("--config <file>", "organization config JSON (homeRegion, partition, gate.roleName, managementAccountId)")
    .option("--home-region <region>", "region of the regional STS endpoint and of every call (config homeRegion)")
    .option("--role-name <name>", `the gate's read-only role, for GetAccountSummary and the credential report (default ${DEFAULTS.roleName})`)
    .option("--timeout <duration>", "deadline of each phase: checks, deletions, re-check", "60s")
    .option("--call-timeout <duration>", "timeout of each AWS call", "10s")
    .option("--endpoint-url <url>", "AWS endpoint (else AWS_ENDPOINT_URL, as the SDK does)")
    .addHelpText("after", HELP)
    .action(async (accountId: string, raw: RawRemediateOptions) => {
      const options = resolveRemediateOptions(accountId, raw, io, new Date());
      // Loaded only now: usage errors never pay for the AWS SDK.
      const { runRemediation } = require("../../remediate/run") as typeof import("../../remediate/run");
      const { report } = await runRemediation(options);
      io.stdout(renderRemediation(report, raw.output));
      setExit(report.exitCode);
    });
}
