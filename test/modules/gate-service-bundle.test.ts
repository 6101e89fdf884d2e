/**
 * The gate service's bundle is rebuilt only when what esbuild read changed: the last build's manifest lists every
 * input with its size and modification time, and a manifest that no longer matches the files is not trusted.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { BUILD_MANIFEST, bundleGateService, repositoryRoot, reuseBuild } from "../../modules/gate-service/bundle";

const root = repositoryRoot();
const bundle = bundleGateService(root);
const scratch = mkdtempSync(join(tmpdir(), "guardrails-bundle-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Manifest {
  key: string;
  bundleDir: string;
  inputs: Record<string, string>;
}

/** A copy of the build directory (manifest, bundle, zip) with the manifest edited. */
function parentWith(edit: (m: Manifest) => void): string {
  const parent = mkdtempSync(join(scratch, "parent-"));
  const manifest = JSON.parse(readFileSync(join(root, "dist", "gate-service-bundle", BUILD_MANIFEST), "utf8")) as Manifest;
  cpSync(bundle.dir, join(parent, manifest.bundleDir), { recursive: true });
  cpSync(bundle.zip, join(parent, `${manifest.bundleDir}.zip`));
  edit(manifest);
  writeFileSync(join(parent, BUILD_MANIFEST), JSON.stringify(manifest));
  return parent;
}

it("the manifest names the bundle and every input esbuild read: the service's sources and the SDK's", () => {
  const manifest = JSON.parse(readFileSync(join(root, "dist", "gate-service-bundle", BUILD_MANIFEST), "utf8")) as Manifest;
  expect(manifest.bundleDir).toBe(basename(bundle.dir));
  const inputs = Object.keys(manifest.inputs);
  expect(inputs).toEqual(expect.arrayContaining(["gates/service/index.ts", "gates/check.ts"]));
  expect(inputs.some((f) => f.startsWith("node_modules/@aws-sdk/client-organizations/"))).toBe(true);
});

it.each<[string, (m: Manifest) => void, boolean]>([
  ["unchanged inputs: reused", () => undefined, true],
  ["a source file changed since (size or time): rebuilt", (m) => void (m.inputs["gates/check.ts"] = "1:1"), false],
  ["an input that is gone: rebuilt", (m) => void (m.inputs["gates/no-such-file.ts"] = "1:1"), false],
  ["another esbuild, option or package.json: rebuilt", (m) => void (m.key = `${m.key} (changed)`), false],
  ["a manifest listing no inputs proves nothing: rebuilt", (m) => void (m.inputs = {}), false],
])("%s", (_name, edit, reused) => {
  const found = reuseBuild(root, parentWith(edit));
  if (reused) expect(found).toMatchObject({ bytes: bundle.bytes, version: bundle.version });
  else expect(found).toBeUndefined();
});
