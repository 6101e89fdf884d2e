/**
 * `guardrails preflight`: read-only check of what the first `cdktf deploy` needs from the organization
 * (DESIGN.md section 8). Exit 0 ready, 1 something missing or conflicting, 3 a check could not be
 * completed, 2 usage or config error (nothing sent). The config comes from --config, else
 * ./guardrails.config.json, never the embedded example, and is validated with the modules' own schema so
 * preflight and `cdktf deploy` read the same file the same way.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Option, type Command } from "commander";
import { validateConfig } from "../../../modules/config/validate";
import type { GuardrailsConfig } from "../../../modules/config/schema";
import { parseDuration } from "../../duration";
import { maskSecrets } from "../../mask";
import { PREFLIGHT_OUTPUTS, renderPreflight, type PreflightOutput } from "../../preflight/render";
import { UsageError, type CliIo } from "../io";

const MAX_CONCURRENCY = 64;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const DEFAULT_CONFIG_FILE = "guardrails.config.json";

interface RawPreflightOptions {
  config?: string;
  output: PreflightOutput;
  roleName?: string;
  endpointUrl?: string;
  concurrency?: string;
  timeout: string;
  callTimeout: string;
}

const HELP = `
Exit codes:
  0  ready: every prerequisite holds
  1  something is missing or conflicts: deploy would fail, or a guardrail would silently not work
  2  usage or config error: nothing was sent to AWS
  3  a check could not be completed (access denied, throttled, timeout); missing or conflict (1) wins over 3

Checks (ids are stable): org-all-features, scp-policy-type, trusted-access, delegated-admin, ous-exist,
scp-slots, cloudtrail, securityhub-admin-state, config-recorders, config-service-linked-role. Each one
that is not ok prints the exact command or config change that fixes it.

Runs with the management account's credentials (SDK default chain). The security-tooling account and every
account whose Config recorders (and Config service-linked role) matter are read by assuming --role-name
(default: the config's deployment.securityToolingRoleName, OrganizationAccountAccessRole unless set). Every
request is a read. Run it before the first deploy: afterwards the stacks' own recorders, service-linked roles
and Security Hub resources show as conflicts (use guardrails sweep to verify a deployed baseline).

Example:
  guardrails preflight --config guardrails.config.json --output markdown >> "$GITHUB_STEP_SUMMARY"
`;

function duration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === null || ms <= 0) throw new UsageError(`${flag} ${JSON.stringify(text)} is not a duration: use 90s, 15m, 1h or plain seconds`);
  return ms;
}

/** The config file, validated with the modules' schema: every error at once, naming the file. */
export function loadPreflightConfig(raw: string | undefined, cwd: string): { file: string; config: GuardrailsConfig } {
  const file = resolve(cwd, raw ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "unreadable";
    if (raw === undefined && code === "ENOENT") {
      throw new UsageError(`no config: pass --config <file> or create ./${DEFAULT_CONFIG_FILE} (preflight never checks the embedded example organization)`);
    }
    throw new UsageError(`${file}: cannot read the config file (${code})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const result = validateConfig(json);
  if ("errors" in result) {
    throw new UsageError(`${file}: invalid configuration (${result.errors.length} error${result.errors.length === 1 ? "" : "s"}):\n${result.errors.map((e) => `  ${e}`).join("\n")}`);
  }
  return { file, config: result.config };
}

/** config-recorders progress on stderr: a self-rewriting line on a terminal, sparse plain lines otherwise. */
function progressPrinter(io: CliIo): { report: (done: number, total: number) => void; done: () => void } {
  let written = false;
  return {
    report: (done, total) => {
      const line = `config-recorders: ${done}/${total} account(s) read`;
      if (io.stderrIsTTY) {
        written = true;
        io.stderr(`\r\x1b[2K${line}`);
        return;
      }
      const every = total <= 100 ? 1 : Math.ceil(total / 20);
      if (done === 0 || done === total || done % every === 0) io.stderr(`${line}\n`);
    },
    done: () => {
      if (written) io.stderr("\n");
    },
  };
}

export function registerPreflight(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("preflight")
    .description("read-only: what the organization lacks or has in the way before the first cdktf deploy, with the fix for each")
    .option("--config <file>", `organization config JSON (default ./${DEFAULT_CONFIG_FILE}; never the embedded example)`)
    .addOption(new Option("--output <format>", "output format").choices(PREFLIGHT_OUTPUTS).default("text"))
    .option("--role-name <name>", "role assumed in the security-tooling and member accounts (default: config deployment.securityToolingRoleName)")
    .option("--endpoint-url <url>", "AWS endpoint (else AWS_ENDPOINT_URL, as the SDK does)")
    .option("--concurrency <n>", "accounts whose Config recorders and service-linked role are read at once (default 8)")
    .option("--timeout <duration>", "deadline of each check, and of each account's reads", "60s")
    .option("--call-timeout <duration>", "timeout of each AWS call", "10s")
    .addHelpText("after", HELP)
    .action(async (raw: RawPreflightOptions) => {
      // Everything is validated before credentials are resolved or any request is made (exit 2, nothing sent).
      const timeoutMs = duration("--timeout", raw.timeout);
      const callTimeoutMs = duration("--call-timeout", raw.callTimeout);
      let concurrency: number | undefined;
      if (raw.concurrency !== undefined) {
        concurrency = Number(raw.concurrency);
        if (!/^\d+$/.test(raw.concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) throw new UsageError(`--concurrency ${JSON.stringify(raw.concurrency)} must be a whole number from 1 to ${MAX_CONCURRENCY}`);
      }
      if (raw.roleName !== undefined && !ROLE_NAME.test(raw.roleName)) throw new UsageError(`--role-name ${JSON.stringify(raw.roleName)} is not an IAM role name`);
      if (raw.endpointUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(raw.endpointUrl)) throw new UsageError(`--endpoint-url ${JSON.stringify(raw.endpointUrl)} is not an http(s) URL`);
      const { config } = loadPreflightConfig(raw.config, io.cwd);

      // Loaded only now: usage errors never pay for the AWS SDK.
      const { runPreflight } = require("../../preflight/run") as typeof import("../../preflight/run");
      const { preflightExitCode } = require("../../preflight/types") as typeof import("../../preflight/types");
      const progress = progressPrinter(io);
      const report = await runPreflight({
        config,
        configFile: raw.config ?? DEFAULT_CONFIG_FILE,
        timeoutMs,
        callTimeoutMs,
        onProgress: progress.report,
        ...(raw.roleName !== undefined ? { roleName: raw.roleName } : {}),
        ...(raw.endpointUrl !== undefined ? { endpointUrl: raw.endpointUrl } : {}),
        ...(concurrency !== undefined ? { concurrency } : {}),
      }).finally(progress.done);
      io.stdout(maskSecrets(renderPreflight(report, raw.output)));
      setExit(preflightExitCode(report.checks));
    });
}
