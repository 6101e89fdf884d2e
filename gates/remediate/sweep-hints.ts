/**
 * What a sweep tells the incident responder (DESIGN.md section 11): for each account that FAILs on IAM.4
 * (a root access key, or a FAILED finding nothing newer contradicts), the `guardrails remediate` command to
 * run. The sweep itself never deletes anything. Pure.
 */
import { CONTROL_IAM4 } from "../../modules/constants";
import type { AccountVerdict, RemediationHint } from "../types";

/** POSIX shell quoting for arguments that need it (a config path with spaces). */
function shellArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

/** `args`: the options the command needs besides the account (--config <file>, or --home-region <r>, ...). */
export function remediationHints(accounts: readonly AccountVerdict[], args: readonly string[]): RemediationHint[] {
  return accounts
    .filter((a) => a.controls.some((c) => c.id === CONTROL_IAM4 && c.verdict === "FAIL"))
    .map((a) => ({
      accountId: a.accountId,
      command: ["guardrails", "remediate", a.accountId, ...args].map(shellArg).join(" "),
      reason: `IAM.4 FAIL in ${a.accountId}: run the command (a dry run: it lists the root access keys it would delete), then again with --apply to delete them through centralized root access`,
    }));
}
