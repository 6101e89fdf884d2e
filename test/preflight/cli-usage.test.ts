/**
 * `guardrails preflight` in-process (runCli with captured streams): every usage error is exit 2 with a
 * message naming the flag, file or field, and nothing reaches the endpoint; the deployment role comes from
 * the config when no --role-name is given.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CliIo } from "../../gates/cli/io";
import { runCli } from "../../gates/cli/program";
import { runPreflight } from "../../gates/preflight/run";
import { validateConfig } from "../../modules/config/validate";
import { endpointEnv, startLocalAws, type LocalAws } from "../endpoint";
import { configWith, DEPLOY_ROLE, readyConfig, readyWorld, writeConfig } from "./helpers";

let aws: LocalAws;
let dir: string;
beforeAll(async () => {
  aws = await startLocalAws({ world: readyWorld() });
  dir = mkdtempSync(join(tmpdir(), "guardrails-preflight-usage-"));
  writeConfig(dir, readyConfig(), "org.json");
  writeConfig(dir, { ...readyConfig(), homeRegion: "eu-west-9", evidence: { bucketName: "Bad_Bucket" }, scp: { maxPoliciesPerTarget: 11 } }, "invalid.json");
});
afterAll(async () => {
  await aws.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => aws.reset());

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false, env: endpointEnv(aws.url), cwd: dir };
  const code = await runCli(["preflight", "--endpoint-url", aws.url, ...args], io);
  return { code, stdout, stderr };
}

test.each<[string, string[], RegExp]>([
  ["invalid config: every error with its field, at once", ["--config", "invalid.json"], /invalid\.json: invalid configuration \(3 errors\):\n {2}homeRegion: "eu-west-9" is not an AWS region\n {2}evidence\.bucketName: "Bad_Bucket" is not an S3 bucket name\n {2}scp\.maxPoliciesPerTarget: 11 /],
  ["a config file that is not JSON", ["--config", "/dev/null"], /\/dev\/null: not valid JSON/],
  ["a config file that cannot be read", ["--config", "missing.json"], /missing\.json: cannot read the config file \(ENOENT\)/],
  ["--output junit is not a preflight format", ["--config", "org.json", "--output", "junit"], /argument 'junit' is invalid\. Allowed choices are text, json, markdown/],
  ["--concurrency above the cap", ["--config", "org.json", "--concurrency", "65"], /--concurrency "65" must be a whole number from 1 to 64/],
  ["--concurrency not a number", ["--config", "org.json", "--concurrency", "many"], /--concurrency "many"/],
  ["--timeout not a duration", ["--config", "org.json", "--timeout", "soon"], /--timeout "soon" is not a duration/],
  ["--call-timeout zero", ["--config", "org.json", "--call-timeout", "0"], /--call-timeout "0" is not a duration/],
  ["--role-name with a path or space", ["--config", "org.json", "--role-name", "Org Access"], /--role-name "Org Access" is not an IAM role name/],
  ["--endpoint-url not http(s)", ["--config", "org.json", "--endpoint-url", "ftp://x"], /--endpoint-url "ftp:\/\/x" is not an http\(s\) URL/],
  ["an option of another command", ["--config", "org.json", "--require", "IAM.3"], /unknown option '--require'/],
  ["a surplus argument", ["--config", "org.json", "123456789012"], /too many arguments/],
])("%s: exit 2, nothing sent", async (_name, args, message) => {
  const r = await cli(args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
  expect(r.stdout).toBe("");
  expect(aws.requests).toEqual([]);
});

test("the deployment role comes from deployment.securityToolingRoleName, else OrganizationAccountAccessRole", async () => {
  for (const a of Object.values(aws.world.accounts)) a.roles = a.roles.filter((r) => r !== DEPLOY_ROLE).concat("PlatformReader");
  const run = async (patch: Record<string, unknown>) => {
    const v = validateConfig(configWith(patch));
    if ("errors" in v) throw new Error(v.errors.join("\n"));
    const saved = { ...process.env };
    Object.assign(process.env, endpointEnv(aws.url));
    try {
      return await runPreflight({ config: v.config, configFile: "org.json", callTimeoutMs: 2_000 });
    } finally {
      process.env = saved;
    }
  };
  const byConfig = await run({ deployment: { securityToolingRoleName: "PlatformReader" } });
  expect(byConfig.ready).toBe(true);
  const byDefault = await run({});
  expect(byDefault.checks.find((c) => c.id === "config-recorders")).toMatchObject({ status: "unknown", fix: expect.stringContaining(`make sure role ${DEPLOY_ROLE} exists`) });
});
