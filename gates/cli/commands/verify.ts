/** `guardrails verify <bundle.json|index.json|remediation.json>`: 0 intact, 1 tampered or invalid, 2 unreadable. */
import { accessSync, constants, statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { verifyBundleFile, type VerifyResult } from "../../evidence/bundle";
import { ExitCode } from "../../types";
import { UsageError, type CliIo } from "../io";
import { printError } from "../output";
import { VERIFY_HELP_FOOTER } from "../help";
import { maskSecrets } from "../../mask";

export function registerVerify(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command("verify")
    .description("recompute an evidence bundle's (or a sweep index's, or a remediation's) digest and check its schema")
    .argument("<file>", "bundle .json or index.json written by check / promote / sweep / remediate")
    .addHelpText("after", VERIFY_HELP_FOOTER)
    .action((file: string) => {
      const path = resolve(io.cwd, file);
      try {
        accessSync(path, constants.R_OK);
        if (!statSync(path).isFile()) throw new Error("not a file");
      } catch {
        throw new UsageError(`${file}: cannot read the file`);
      }
      let result: VerifyResult;
      try {
        result = verifyBundleFile(path);
      } catch (err) {
        // Anything the verifier cannot digest is not a valid bundle (exit 1), never "ok".
        result = { ok: false, errors: [err instanceof Error ? err.message : String(err)], kind: "bundle", sha256: null };
      }
      if (result.ok) {
        io.stdout(maskSecrets(`OK ${file}: ${result.kind} digest and schema verified\n`));
        setExit(ExitCode.PASS);
        return;
      }
      for (const e of result.errors) printError(io, `${file}: ${e}`);
      io.stdout(maskSecrets(`INVALID ${file}: ${result.errors.length} problem(s)\n`));
      setExit(ExitCode.FAIL);
    });
}
