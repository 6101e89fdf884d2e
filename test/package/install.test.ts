/**
 * The package as a pipeline gets it: the release tarball (.ci/pack-release), its contents, an install
 * into a scratch project (gate-only: no CDKTF bindings; size printed and held under 60 MB), and the
 * installed `guardrails` bin against the local endpoint; then the composite Action's own steps, run
 * from a copy of the repository the way the runner checks an action out. Minutes of npm on a cold
 * cache, tens of seconds on a warm one: `npm run test:package` (its own step in .ci/run), not `npm test`.
 */
import { execFileSync } from "node:child_process";
import { builtinModules } from "node:module";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { parse } from "yaml";
import { endpointEnv, startLocalAws, type LocalAws } from "../endpoint";
import { EXAMPLE_IDS } from "../endpoint/builders";
import { readOutputs, runnerEnv, runnerFiles } from "../action/run-action";
import { run } from "./npm";
import { apparentSize, mb } from "./size";

const ROOT = join(__dirname, "..", "..");
const SIZE_GOAL_BYTES = 60_000_000;
const DEV_ONLY = ["cdktf", "@cdktf/provider-aws", "constructs", "typescript", "jest", "@swc/core"];
const UNMASKED_KEY = /(AKIA|ASIA)[A-Z0-9]{16}/g;
const NPM_QUIET = ["--no-audit", "--no-fund", "--prefer-offline"];

interface PackedFile {
  path: string;
}
interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: PackedFile[];
}
interface PackageJson {
  name: string;
  version: string;
  private?: boolean;
  bin: Record<string, string>;
  dependencies: Record<string, string>;
}

let work: string;
let tarball: string;
let packed: PackResult;
let extracted: string;
let aws: LocalAws;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "guardrails-package-"));
  aws = await startLocalAws();
  // The release asset pipelines install (.ci/pack-release: `npm pack` of the same files, no scripts).
  const pack = await run("bash", [join(ROOT, ".ci", "pack-release"), work], { cwd: ROOT });
  if (pack.code !== 0) throw new Error(`.ci/pack-release failed: ${pack.stderr}`);
  packed = (JSON.parse(pack.stdout) as PackResult[])[0]!;
  tarball = join(work, packed.filename);
  extracted = join(work, "extracted");
  mkdirSync(extracted);
  execFileSync("tar", ["-xzf", tarball, "-C", extracted]);
}, 120_000);
afterAll(async () => {
  await aws.close();
  rmSync(work, { recursive: true, force: true });
});

const files = (): string[] => packed.files.map((f) => f.path);
const packedJson = (): PackageJson => JSON.parse(readFileSync(join(extracted, "package", "package.json"), "utf8")) as PackageJson;

describe("npm pack contents", () => {
  it("is the compiled gate, its package.json and README, nothing else", () => {
    const allowed = /^(package\.json|README\.md|LICENSE)$|^dist\/gates\/.+\.js$|^dist\/modules\/(constants|config\/(schema|validate|regions))\.js$/;
    expect(files().filter((p) => !allowed.test(p))).toEqual([]);
    for (const p of ["package.json", "README.md", "dist/gates/cli/bin.js", "dist/gates/index.js", "dist/gates/action/main.js", "dist/modules/config/validate.js"]) expect(files()).toContain(p);
  });

  it("carries no tests, sources, synth output, state, credentials or keys", () => {
    const forbidden = /\.ts$|\.map$|(^|\/)test\/|(^|\/)bench\/|cdktf\.out|\.tfstate|(^|\/)\.(env|npmrc|aws|git)|\.pem$|\.key$|id_rsa|\.tgz$|guardrails-verdict/;
    expect(files().filter((p) => forbidden.test(p))).toEqual([]);
    // AWS's documentation example key ids (…EXAMPLE) may appear in the README; no other key id may.
    const keys = files().flatMap((p) => [...readFileSync(join(extracted, "package", p), "utf8").matchAll(UNMASKED_KEY)].map((m) => `${p}: ${m[0]}`));
    expect(keys.filter((k) => !k.endsWith("EXAMPLE"))).toEqual([]);
  });

  it("holds exactly what `npm pack` in the repository takes (package.json files)", async () => {
    const dry = await run("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT });
    expect((JSON.parse(dry.stdout) as PackResult[])[0]!.files.map((f) => f.path).sort()).toEqual(files().sort());
  });

  it("declares no scripts: installing the tarball runs nothing and warns about nothing", () => {
    expect(Object.keys(packedJson())).not.toContain("scripts");
    expect(Object.keys(packedJson())).not.toContain("devDependencies");
  });

  it("depends on the gate's runtime only, names a bin that is there, and is not publishable", () => {
    const pkg = packedJson();
    expect(pkg.name).toBe("@cis-guardrails/gate");
    expect(pkg.private).toBe(true);
    for (const dev of DEV_ONLY) expect(Object.keys(pkg.dependencies)).not.toContain(dev);
    expect(pkg.bin).toEqual({ guardrails: "dist/gates/cli/bin.js" });
    expect(readFileSync(join(extracted, "package", pkg.bin["guardrails"]!), "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("every require in the compiled gate resolves to a packed file, a dependency or a Node built-in", () => {
    const pkg = packedJson();
    const root = join(extracted, "package");
    const missing: string[] = [];
    for (const file of files().filter((p) => p.endsWith(".js"))) {
      const text = readFileSync(join(root, file), "utf8");
      for (const [, spec] of text.matchAll(/require\("([^"]+)"\)/g)) {
        if (spec!.startsWith(".")) {
          const target = relative(root, join(root, dirname(file), spec!));
          if (!files().includes(`${target}.js`) && !files().includes(`${target}/index.js`) && !files().includes(target)) missing.push(`${file}: ${spec}`);
        } else {
          const name = spec!.startsWith("@") ? spec!.split("/").slice(0, 2).join("/") : spec!.split("/")[0]!;
          if (!spec!.startsWith("node:") && !builtinModules.includes(name) && !(name in pkg.dependencies)) missing.push(`${file}: ${spec}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("installed into a pipeline's project", () => {
  let project: string;
  beforeAll(async () => {
    project = join(work, "vending-pipeline");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "vending-pipeline", version: "1.0.0", private: true }));
    const install = await run("npm", ["install", ...NPM_QUIET, tarball], { cwd: project });
    if (install.code !== 0) throw new Error(`npm install of the tarball failed: ${install.stderr}`);
    expect(install.stderr).not.toMatch(/install-scripts|allowScripts/);
  }, 180_000);

  it("is gate-only and small: no CDKTF bindings, no build tools; size printed", () => {
    const modules = join(project, "node_modules");
    for (const dev of DEV_ONLY) expect(existsSync(join(modules, dev))).toBe(false);
    const size = apparentSize(modules);
    process.stdout.write(`\ngate-only install (npm install <tarball>): node_modules ${mb(size.bytes)} in ${size.files} files, ${readdirSync(join(modules, "@aws-sdk")).length} @aws-sdk packages; goal < ${mb(SIZE_GOAL_BYTES)}\n`);
    expect(size.bytes).toBeLessThan(SIZE_GOAL_BYTES);
  });

  it("npx --no-install guardrails --version prints the package version", async () => {
    const r = await run("npx", ["--no-install", "guardrails", "--version"], { cwd: project });
    expect(r).toMatchObject({ code: 0, stdout: `${packed.version}\n` });
  });

  it.each([
    [EXAMPLE_IDS.clean, 0, "PASS"],
    [EXAMPLE_IDS.inactiveRootKey, 1, "FAIL"],
  ])("npm exec guardrails check %s against the local endpoint: exit %d, %s", async (account, code, verdict) => {
    const args = ["exec", "--no", "--", "guardrails", "check", account, "--endpoint-url", aws.url, "--security-hub-account", EXAMPLE_IDS.securityTooling, "--home-region", "us-east-1", "--output", "json"];
    const r = await run("npm", args, { cwd: project, env: { ...process.env, ...endpointEnv(aws.url) } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(code);
    expect(JSON.parse(r.stdout)).toMatchObject({ accountId: account, verdict });
  }, 30_000);
});

describe("the composite Action's steps, from a copy of the repository as the runner checks it out", () => {
  interface Step {
    name: string;
    id?: string;
    if?: string;
    uses?: string;
    env?: Record<string, string>;
    run?: string;
  }
  interface ActionYaml {
    inputs: Record<string, { default?: string }>;
    runs: { steps: Step[] };
  }
  let checkout: string;
  let action: ActionYaml;

  beforeAll(() => {
    checkout = join(work, "_actions", "owner", "cis-guardrails", "v0");
    const tracked = execFileSync("git", ["ls-files", "-co", "--exclude-standard", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter((f) => f !== "" && existsSync(join(ROOT, f)));
    for (const f of tracked) cpSync(join(ROOT, f), join(checkout, f), { recursive: true });
    expect(existsSync(join(checkout, "node_modules"))).toBe(false);
    action = parse(readFileSync(join(checkout, "action.yml"), "utf8")) as ActionYaml;
  });

  /** An env value as the runner evaluates it: only `${{ inputs.<name> }}`, with the input's default. */
  const evaluate = (value: string, inputs: Record<string, string>): string => {
    const m = /^\$\{\{ inputs\.([a-z-]+) \}\}$/.exec(value);
    if (!m) throw new Error(`expression the test does not model: ${value}`);
    return inputs[m[1]!] ?? action.inputs[m[1]!]?.default ?? "";
  };

  async function runSteps(inputs: Record<string, string>) {
    const files = runnerFiles(work);
    const results: { name: string; code: number; stdout: string; stderr: string }[] = [];
    for (const step of action.runs.steps) {
      if (step.uses !== undefined) {
        // The only `uses` step is the optional setup-node, skipped when node-version is empty.
        expect(step.if).toBe("inputs.node-version != ''");
        expect(inputs["node-version"] ?? "").toBe("");
        continue;
      }
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v, inputs)]));
      const env = { ...process.env, ...endpointEnv(aws.url), ...runnerEnv(files, {}), GITHUB_ACTION_PATH: checkout, ...stepEnv };
      const r = await run("bash", ["-e", "-c", step.run!], { cwd: files.dir, env });
      results.push({ name: step.name, ...r });
      if (r.code !== 0) break;
    }
    return { results, outputs: readOutputs(files.output), summary: readFileSync(files.summary, "utf8") };
  }

  const gateInputs = { "security-hub-account": EXAMPLE_IDS.securityTooling, "home-region": "us-east-1", "endpoint-url": "" };

  it("installs itself (runtime dependencies only, no scripts) and passes a clean account", async () => {
    const r = await runSteps({ ...gateInputs, "endpoint-url": aws.url, command: "check", "account-id": EXAMPLE_IDS.clean });
    expect(r.results.map((s) => [s.name, s.code])).toEqual([["Install the gate", 0], ["Run the gate", 0]]);
    expect(r.outputs).toMatchObject({ verdict: "PASS", "exit-code": "0", "production-ready": "true" });
    expect(r.summary).toContain("✅ PASS: account 333333333333");
    for (const dev of DEV_ONLY) expect(existsSync(join(checkout, "node_modules", dev))).toBe(false);
    const size = apparentSize(join(checkout, "node_modules"));
    process.stdout.write(`\nAction install (npm ci --omit=dev): node_modules ${mb(size.bytes)} in ${size.files} files\n`);
  }, 180_000);

  it("fails the step on FAIL, without installing again", async () => {
    const r = await runSteps({ ...gateInputs, "endpoint-url": aws.url, command: "check", "account-id": EXAMPLE_IDS.inactiveRootKey });
    expect(r.results.map((s) => [s.name, s.code])).toEqual([["Install the gate", 0], ["Run the gate", 1]]);
    expect(r.results[0]!.stdout + r.results[0]!.stderr).toBe("");
    expect(r.outputs).toMatchObject({ verdict: "FAIL", "exit-code": "1" });
  }, 60_000);
});
