/**
 * The options shared by check / promote (and later sweep): declared once on a commander command,
 * then resolved against the config file into library options. Resolution reads local files only
 * (config, exceptions register) and throws UsageError: it runs before any credential or request.
 */
import { dirname, resolve } from "node:path";
import { Command, Option } from "commander";
import { CONTROL_IAM4, type ControlId } from "../../modules/constants";
import { ConfigError, loadGateConfig, type GateConfig } from "../config";
import { parseDuration } from "../duration";
import { ExceptionsRegisterError, loadExceptionsRegister } from "../exceptions/register";
import { ACCOUNT_ID_PATTERN, DEFAULTS, GateUsageError, homeRegionProblems, isControlId, validateCheckOptions, type PromoteAccountOptions } from "../options";
import { UsageError, type CliIo } from "./io";

export const OUTPUT_FORMATS = ["text", "json", "markdown", "junit"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** What commander hands the action (all strings: parsing and checking happen in resolve). */
export interface RawAccountOptions {
  config?: string;
  homeRegion?: string;
  securityHubAccount?: string;
  roleName?: string;
  exceptions?: string;
  require: string[];
  output: OutputFormat;
  evidenceDir?: string;
  wait?: string;
  timeout?: string;
  callTimeout?: string;
  maxAccessKeyAge?: string;
  acceptNoRootCredentials?: boolean;
  endpointUrl?: string;
  tagKey?: string;
  moveToOu?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Declares the shared options on `cmd`. `promote` adds the tagging ones. */
export function addAccountOptions(cmd: Command, opts: { promote: boolean }): Command {
  cmd
    .option("--config <file>", "organization config JSON (the modules' file); its values are defaults, flags win")
    .option("--home-region <region>", "region where IAM.4 is recorded and findings are read (config homeRegion)")
    .option("--security-hub-account <id>", "account aggregating Security Hub findings (config securityToolingAccountId)")
    .option("--role-name <name>", `role assumed in each account (default ${DEFAULTS.roleName})`)
    .option("--exceptions <file>", "IAM.3 exceptions register, YAML or JSON (config gate.exceptionsFile)")
    .addOption(new Option("--require <ids>", "controls that decide the verdict, comma list, repeatable; IAM.4 is always required, IAM.3 may be added (config gate.require)").argParser(collect).default([], "IAM.4"))
    .addOption(new Option("--output <format>", "output format").choices(OUTPUT_FORMATS).default("text"))
    .option("--evidence-dir <dir>", "write the evidence bundle (JSON + Markdown) here")
    .option("--wait <duration>", "re-evaluate the Config rule and re-check until PASS or this long (90s, 15m, 1h)")
    .option("--timeout <duration>", "deadline per account for all calls, retries and polling", "60s")
    .option("--call-timeout <duration>", "timeout of each AWS call", "10s")
    .option("--max-access-key-age <days>", "IAM.3 maximum age of an active key (config awsConfig.maxAccessKeyAgeDays, default 90)")
    .option("--accept-no-root-credentials", "let IAM.4 pass without a finding when root credentials are managed centrally")
    .option("--endpoint-url <url>", "AWS endpoint (else AWS_ENDPOINT_URL, as the SDK does)");
  if (opts.promote) {
    cmd
      .option("--tag-key <key>", `tag marking the account production-ready (config gate.readyTagKey, default ${DEFAULTS.tagKey})`)
      .option("--move-to-ou <ou-id>", "on PASS, also move the account into this OU");
  }
  return cmd;
}

/** IAM.4 is always required (it can never be waived); --require can add IAM.3. Unknown ids go to `problems`. */
function requiredControls(flags: string[], config: GateConfig | null, problems: string[]): ControlId[] {
  const ids = flags.length > 0 ? flags.flatMap((f) => f.split(",")).map((s) => s.trim()).filter((s) => s !== "") : (config?.gate.require ?? []);
  const out: ControlId[] = [CONTROL_IAM4];
  for (const id of ids) {
    if (!isControlId(id)) problems.push(`--require: unknown control ${JSON.stringify(id)} (valid: IAM.4, IAM.3)`);
    else if (!out.includes(id)) out.push(id);
  }
  return out;
}

export interface ResolvedAccountOptions {
  library: PromoteAccountOptions;
  output: OutputFormat;
  /** Soon-expiring or expired exceptions: printed on stderr, do not change the exit code. */
  warnings: string[];
}

/**
 * Flags + config file -> library options. Throws one UsageError listing every problem found (config
 * errors with their paths, flags, exceptions register); sends nothing.
 */
export function resolveAccountOptions(accountId: string, raw: RawAccountOptions, io: CliIo, now: Date): ResolvedAccountOptions {
  const problems: string[] = [];
  if (!ACCOUNT_ID_PATTERN.test(accountId)) problems.push(`account id ${JSON.stringify(accountId)} is not a 12-digit AWS account id`);
  let config: GateConfig | null = null;
  let configOk = true;
  let configDigest: string | undefined;
  let configDir = io.cwd;
  if (raw.config !== undefined) {
    const file = resolve(io.cwd, raw.config);
    try {
      const loaded = loadGateConfig(file, now);
      config = loaded.config;
      configDigest = loaded.digest;
      configDir = dirname(file);
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems.push(err.message);
      configOk = false;
    }
  }
  const duration = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    const ms = parseDuration(text);
    if (ms === null) problems.push(`${flag} ${JSON.stringify(text)} is not a duration: use 90s, 15m, 1h or plain seconds`);
    return ms ?? undefined;
  };

  // Where the home region came from, so a bad value is named with its source.
  const homeRegionSource: [string, string | undefined][] = [
    ["--home-region", raw.homeRegion],
    ["homeRegion in the config", config?.homeRegion],
    ["AWS_REGION", io.env["AWS_REGION"]],
    ["AWS_DEFAULT_REGION", io.env["AWS_DEFAULT_REGION"]],
  ];
  const [homeRegionFrom, homeRegion] = homeRegionSource.find(([, v]) => v !== undefined) ?? ["", undefined];
  if (homeRegion === undefined && configOk) problems.push("no home region: pass --home-region or set homeRegion in the config");
  const partition = config?.partition ?? DEFAULTS.partition;
  if (homeRegion !== undefined) problems.push(...homeRegionProblems(homeRegion, partition, `home region (${homeRegionFrom})`));
  const securityHubAccountId = raw.securityHubAccount ?? config?.securityToolingAccountId;
  if (securityHubAccountId === undefined && configOk) {
    problems.push("no Security Hub account: pass --security-hub-account <id> or set securityToolingAccountId in the config");
  }
  let maxAccessKeyAgeDays = config?.awsConfig.maxAccessKeyAgeDays;
  if (raw.maxAccessKeyAge !== undefined) {
    maxAccessKeyAgeDays = Number(raw.maxAccessKeyAge);
    if (!/^\d+$/.test(raw.maxAccessKeyAge) || maxAccessKeyAgeDays <= 0) {
      problems.push(`--max-access-key-age ${JSON.stringify(raw.maxAccessKeyAge)} is not a positive whole number of days`);
    }
  }

  const exceptionsFile = raw.exceptions !== undefined ? resolve(io.cwd, raw.exceptions) : config?.gate.exceptionsFile !== undefined ? resolve(configDir, config.gate.exceptionsFile) : undefined;
  let exceptions: PromoteAccountOptions["exceptions"] = [];
  let warnings: string[] = [];
  if (exceptionsFile !== undefined) {
    try {
      const register = loadExceptionsRegister(exceptionsFile, { now, maxWindowDays: config?.gate.exceptionMaxWindowDays ?? 90 });
      exceptions = register.exceptions;
      warnings = register.warnings;
    } catch (err) {
      if (!(err instanceof ExceptionsRegisterError)) throw err;
      problems.push(err.message);
    }
  }

  const library: PromoteAccountOptions = {
    accountId,
    homeRegion: homeRegion ?? "",
    securityHubAccountId: securityHubAccountId ?? "",
    partition,
    roleName: raw.roleName ?? config?.gate.roleName ?? DEFAULTS.roleName,
    require: requiredControls(raw.require, config, problems),
    maxAccessKeyAgeDays: maxAccessKeyAgeDays ?? DEFAULTS.maxAccessKeyAgeDays,
    acceptNoRootCredentials: raw.acceptNoRootCredentials === true,
    exceptions,
    ownerTagKey: config?.gate.ownerTagKey ?? DEFAULTS.ownerTagKey,
    tagKey: raw.tagKey ?? config?.gate.readyTagKey ?? DEFAULTS.tagKey,
  };
  const set = <K extends keyof PromoteAccountOptions>(key: K, value: PromoteAccountOptions[K] | undefined): void => {
    if (value !== undefined) library[key] = value;
  };
  set("managementAccountId", config?.managementAccountId);
  set("configDigest", configDigest);
  set("evidenceDir", raw.evidenceDir === undefined ? undefined : resolve(io.cwd, raw.evidenceDir));
  set("waitMs", duration("--wait", raw.wait));
  set("timeoutMs", duration("--timeout", raw.timeout));
  set("callTimeoutMs", duration("--call-timeout", raw.callTimeout));
  set("moveToOuId", raw.moveToOu);
  const productionOu = config?.organization.productionOuId;
  if (raw.moveToOu !== undefined && productionOu !== undefined && raw.moveToOu !== productionOu) {
    // The promotion policy the modules provision allows moves into the production OU only.
    problems.push(`--move-to-ou ${raw.moveToOu} is not the production OU ${productionOu} (organization.productionOuId in ${raw.config ?? "the config"}); the gate may only move accounts there`);
  }
  if (raw.endpointUrl !== undefined) {
    if (!/^https?:\/\/[^\s]+$/.test(raw.endpointUrl)) problems.push(`--endpoint-url ${JSON.stringify(raw.endpointUrl)} is not an http(s) URL`);
    else library.endpointUrl = raw.endpointUrl;
  }
  if (problems.length === 0) {
    try {
      validateCheckOptions(library);
    } catch (err) {
      if (!(err instanceof GateUsageError)) throw err;
      problems.push(err.message);
    }
  }
  if (problems.length > 0) throw new UsageError(problems.join("\n"));
  return { library, output: raw.output, warnings };
}
