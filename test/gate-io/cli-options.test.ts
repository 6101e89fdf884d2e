import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveAccountOptions, type RawAccountOptions } from "../../gates/cli/account-options";
import { UsageError, type CliIo } from "../../gates/cli/io";
import { gateTestConfig, writeConfig } from "./config-fixture";

const dir = mkdtempSync(join(tmpdir(), "gate-opts-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const io: CliIo = { stdout: () => undefined, stderr: () => undefined, stderrIsTTY: false, env: {}, cwd: dir };
const now = new Date("2026-11-22T10:00:00Z");
const raw = (o: Partial<RawAccountOptions> = {}): RawAccountOptions => ({
  require: [],
  output: "text",
  homeRegion: "us-east-1",
  securityHubAccount: "210987654321",
  ...o,
});
const usage = (f: () => unknown, message: RegExp): void => {
  let thrown: unknown;
  try {
    f();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(UsageError);
  expect((thrown as Error).message).toMatch(message);
};

describe("resolveAccountOptions", () => {
  it("flags win over the config file; IAM.4 is always required", () => {
    const base = gateTestConfig();
    const config = writeConfig(dir, "org.json", {
      ...base,
      partition: "aws-us-gov",
      homeRegion: "us-gov-west-1",
      governedRegions: ["us-gov-west-1"],
      securityToolingAccountId: "111111111112",
      awsConfig: { ...base.awsConfig, maxAccessKeyAgeDays: 45 },
      gate: { trustedPrincipalArns: ["arn:aws-us-gov:iam::111111111111:role/Pipeline"], roleName: "FromConfig", readyTagKey: "ready", require: ["IAM.3"] },
      scp: { breakGlassPrincipalArns: [] },
    });
    const r = resolveAccountOptions("123456789012", { require: [], output: "json", config, roleName: "FromFlag", timeout: "90s" }, io, now);
    expect(r.library).toMatchObject({
      partition: "aws-us-gov",
      homeRegion: "us-gov-west-1",
      securityHubAccountId: "111111111112",
      roleName: "FromFlag",
      tagKey: "ready",
      maxAccessKeyAgeDays: 45,
      require: ["IAM.4", "IAM.3"],
      timeoutMs: 90_000,
    });
    expect(r.library.configDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(resolveAccountOptions("123456789012", raw({ require: ["IAM.4,IAM.3", "IAM.3"] }), io, now).library.require).toEqual(["IAM.4", "IAM.3"]);
  });

  it.each<[string, string, Partial<RawAccountOptions>, RegExp]>([
    ["short account id", "12345", {}, /account id "12345" is not a 12-digit/],
    ["bad duration", "123456789012", { wait: "soon" }, /--wait "soon" is not a duration/],
    ["bad timeout", "123456789012", { timeout: "0" }, /--timeout "0"/],
    ["unknown control", "123456789012", { require: ["IAM.9"] }, /unknown control "IAM.9"/],
    ["bad OU", "123456789012", { moveToOu: "r-abcd" }, /--move-to-ou "r-abcd"/],
    ["missing config", "123456789012", { config: "nope.json" }, /nope\.json: cannot read the config file/],
    ["no security hub account", "123456789012", { securityHubAccount: undefined }, /no Security Hub account/],
    ["bad max age", "123456789012", { maxAccessKeyAge: "ninety" }, /--max-access-key-age/],
  ])("%s is a usage error", (_name, account, o, message) => usage(() => resolveAccountOptions(account, raw(o), io, now), message));

  it("--move-to-ou must be the configured production OU", () => {
    const base = gateTestConfig();
    const config = writeConfig(dir, "prod-ou.json", { ...base, organization: { ...base.organization, productionOuId: "ou-ab12-prod0001" } });
    usage(() => resolveAccountOptions("123456789012", raw({ config, moveToOu: "ou-ab12-else0001" }), io, now), /not the production OU ou-ab12-prod0001/);
    expect(resolveAccountOptions("123456789012", raw({ config, moveToOu: "ou-ab12-prod0001" }), io, now).library.moveToOuId).toBe("ou-ab12-prod0001");
  });

  it("an invalid config names the file and field", () => {
    const base = gateTestConfig();
    const config = writeConfig(dir, "bad.json", { ...base, gate: { ...base.gate, roleName: 7 } });
    usage(() => resolveAccountOptions("123456789012", raw({ config }), io, now), /bad\.json: gate\.roleName: 7/);
  });

  it("a partial config (what the gate used to accept) is refused with every missing field named", () => {
    const config = writeConfig(dir, "partial.json", { homeRegion: "us-east-1", securityToolingAccountId: "111111111111" });
    usage(() => resolveAccountOptions("123456789012", raw({ config }), io, now), /partial\.json: managementAccountId: is required.*partial\.json: gate: is required/s);
  });

  it("config errors and flag errors are reported together", () => {
    const base = gateTestConfig();
    const config = writeConfig(dir, "typo.json", { ...base, gate: { ...base.gate, requier: ["IAM.3"] } });
    usage(() => resolveAccountOptions("12345", raw({ config, wait: "soon" }), io, now), /account id "12345".*typo\.json: gate\.requier: unknown field.*--wait "soon"/s);
  });

  it.each<[string, Partial<RawAccountOptions>, Record<string, string>, RegExp]>([
    ["unknown flag region", { homeRegion: "us-east-9" }, {}, /home region \(--home-region\) "us-east-9" is not an AWS region/],
    ["unknown AWS_REGION", { homeRegion: undefined }, { AWS_REGION: "eu-wast-1" }, /home region \(AWS_REGION\) "eu-wast-1" is not an AWS region/],
    ["region of another partition", { homeRegion: "cn-north-1" }, {}, /"cn-north-1" is a region of partition "aws-cn", not of "aws"/],
  ])("%s is a usage error", (_name, o, env, message) => usage(() => resolveAccountOptions("123456789012", raw(o), { ...io, env }, now), message));

  it("an invalid exceptions register is a usage error with its errors", () => {
    const register = join(dir, "exceptions.yaml");
    writeFileSync(register, "- account: '123456789012'\n  user: alice\n  reason: r\n  approver: a\n  ticket: T-1\n  approvedAt: 2026-11-01\n  expires: 2026-12-01T00:00:00Z\n");
    usage(() => resolveAccountOptions("123456789012", raw({ exceptions: register }), io, now), /exceptions\.yaml.*approvedAt/s);
  });
});
