/**
 * The gate service's code: gates/service/index.ts and everything it imports (the gate's own check / promote /
 * sweep code, the AWS SDK clients it uses) bundled by esbuild into one file, at synth, only when the service is
 * enabled (esbuild is loaded then and not before). The directory it returns holds `index.js` (the handler
 * `index.handler`), its third-party license notices, and a package.json naming this package and version, which is
 * where gates/version.ts finds the version every evidence bundle records.
 *
 * Reproducible: the same sources give the same bytes (esbuild is deterministic), and the files get a fixed
 * modification time, so the zip cdktf makes of them (archiver stores each file's mtime) is byte-identical from
 * one synth to the next and the function is not redeployed for nothing.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const PACKAGE_NAME = "@cis-guardrails/gate";
/** 1980-01-01, the earliest time a zip entry can hold. */
const FIXED_MTIME = new Date("1980-01-01T00:00:00Z");

export interface GateBundle {
  /** Directory of the bundle's files. */
  readonly dir: string;
  /** The function's deployment package: `dir` zipped (a TerraformAsset FILE). */
  readonly zip: string;
  /** Bytes of index.js. */
  readonly bytes: number;
  readonly version: string;
}

/** The repository root: the directory of this package's package.json that has the gate's sources. */
export function repositoryRoot(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && existsSync(join(dir, "gates", "service", "index.ts"))) {
      const parsed = JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown };
      if (parsed.name === PACKAGE_NAME) return dir;
    }
    dir = dirname(dir);
  }
  throw new Error(`gate service bundle: the gate's sources (gates/service/index.ts) were not found above ${from}`);
}

let built: GateBundle | undefined;

/**
 * Bundles the service once per process (every synth of a run uses the same bundle), and across processes while
 * its inputs are unchanged (reuseBuild). Built in a directory of its own, then moved to
 * `dist/gate-service-bundle/<digest>`: synths running at once (jest workers, two terminals) never write into a
 * bundle another one is archiving, and the same sources share one directory.
 */
export function bundleGateService(root: string = repositoryRoot()): GateBundle {
  if (built !== undefined && existsSync(built.zip)) return built;
  const parent = join(root, "dist", "gate-service-bundle");
  mkdirSync(parent, { recursive: true });
  const reused = reuseBuild(root, parent);
  if (reused !== undefined) return (built = reused);
  const staging = mkdtempSync(join(parent, ".staging-"));
  try {
    built = buildInto(root, staging, parent);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return built;
}

/**
 * What the last build read (esbuild's metafile inputs: every source file, the SDK's included) with each file's
 * size and modification time, and the bundle it made. A build whose inputs all stat the same, with the same
 * esbuild, options and package.json, makes the same bytes (esbuild is deterministic), so the bundle is reused
 * instead of rebuilt (~0.4 s per process: every test file that synthesizes the service, every `npm start`).
 */
interface BuildManifest {
  readonly key: string;
  readonly bundleDir: string;
  readonly inputs: Record<string, string>;
}

export const BUILD_MANIFEST = "last-build.json";

function buildKey(root: string): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuildVersion = (require("esbuild") as { version: string }).version;
  return `esbuild ${esbuildVersion}; ${JSON.stringify(BUILD_OPTIONS)}; ${readFileSync(join(root, "package.json"), "utf8")}`;
}

function statKey(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

export function reuseBuild(root: string, parent: string): GateBundle | undefined {
  let manifest: BuildManifest;
  try {
    manifest = JSON.parse(readFileSync(join(parent, BUILD_MANIFEST), "utf8")) as BuildManifest;
  } catch {
    return undefined;
  }
  if (manifest.key !== buildKey(root) || Object.keys(manifest.inputs).length === 0) return undefined;
  for (const [file, stat] of Object.entries(manifest.inputs)) if (statKey(join(root, file)) !== stat) return undefined;
  const dir = join(parent, manifest.bundleDir);
  if (!existsSync(join(dir, "index.js")) || !existsSync(join(dir, "package.json"))) return undefined;
  const version = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version;
  return { dir, zip: zipOnce(dir), bytes: statSync(join(dir, "index.js")).size, version };
}

const BUNDLE_FILES = ["index.js", "index.js.LEGAL.txt", "package.json"];

const BUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  // The oldest runtime the config allows (GATE_SERVICE_RUNTIMES).
  target: "node22",
  format: "cjs",
  minify: true,
  // Third-party license notices go in a file of their own, inside the archive.
  legalComments: "external",
  logLevel: "silent",
} as const;

function buildInto(root: string, staging: string, parent: string): GateBundle {
  const dir = staging;
  // Loaded here so that synth without the service never pays for it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require("esbuild") as typeof import("esbuild");
  const result = esbuild.buildSync({ ...BUILD_OPTIONS, absWorkingDir: root, entryPoints: [join(root, "gates", "service", "index.ts")], outfile: join(dir, "index.js"), metafile: true });
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: PACKAGE_NAME, version, private: true })}\n`);
  const digest = createHash("sha256");
  for (const file of BUNDLE_FILES) {
    if (!existsSync(join(dir, file))) continue;
    utimesSync(join(dir, file), FIXED_MTIME, FIXED_MTIME);
    digest.update(file).update(readFileSync(join(dir, file)));
  }
  const final = join(parent, digest.digest("hex").slice(0, 16));
  if (!existsSync(join(final, "package.json"))) {
    try {
      renameSync(dir, final);
    } catch (err) {
      // Another synth moved the same bundle there first: use it.
      if (!existsSync(join(final, "package.json"))) throw err;
    }
  }
  const inputs: Record<string, string> = {};
  for (const file of Object.keys(result.metafile.inputs)) {
    const stat = statKey(join(root, file));
    if (stat !== undefined) inputs[file] = stat;
  }
  const manifest: BuildManifest = { key: buildKey(root), bundleDir: basename(final), inputs };
  const manifestPath = join(parent, BUILD_MANIFEST);
  writeFileSync(`${manifestPath}.${process.pid}`, JSON.stringify(manifest));
  renameSync(`${manifestPath}.${process.pid}`, manifestPath);
  return { dir: final, zip: zipOnce(final), bytes: readFileSync(join(final, "index.js")).length, version };
}

/**
 * The bundle directory zipped once, next to it (`<digest>.zip`), by the archiver a TerraformAsset ARCHIVE runs:
 * cdktf 0.21's lib/private/fs.js, which zips with archiver in a child Node.js process on every synth, about
 * 250 ms each. Zipped once per bundle digest and handed to the asset as a FILE, the bytes are the same and a
 * synth does not pay for them again (the tests synthesize the service dozens of times). Written under a temporary
 * name and renamed, so that synths running at once never read half a zip.
 */
function zipOnce(dir: string): string {
  const zip = `${dir}.zip`;
  if (existsSync(zip)) return zip;
  const partial = `${zip}.${process.pid}.partial`;
  execFileSync(process.execPath, [require.resolve("cdktf/lib/private/fs.js"), dir, partial], { stdio: "ignore" });
  renameSync(partial, zip);
  return zip;
}
