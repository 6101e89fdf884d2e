/** Help text shared by the gate's account commands (check, promote, sweep); verify, diff and preflight have their own. */

export const GATE_HELP_FOOTER = `
Exit codes:
  0  PASS          production-ready
  1  FAIL          evidence of a violation
  2  usage error   bad arguments, config or exceptions register; nothing was sent to AWS
  3  INCONCLUSIVE  readiness could not be proven (errors, throttling, timeouts, stale or missing
                   evidence); promote: PASS but tagging or moving failed
  1 and 3 both mean "not production-ready". verify, diff and preflight have exit codes of their own:
  guardrails <command> --help.

Examples:
  guardrails check 123456789012 --config guardrails.config.json --output json
  guardrails promote 123456789012 --security-hub-account 210987654321 --home-region us-east-1 \\
      --evidence-dir evidence --wait 15m --move-to-ou ou-ab12-cdef3456

Credentials come from the SDK's default chain; per-account reads assume --role-name in the account,
findings are read in --security-hub-account; Organizations calls use the caller's own credentials.
`;

/** `guardrails verify`: about a file, not an account, so none of the gate's verdict words apply. */
export const VERIFY_HELP_FOOTER = `
Exit codes:
  0  intact      the recomputed digest matches and the schema is a bundle's (a sweep index's, a remediation's)
  1  invalid     the digest does not match (the file was changed), or the schema does not
  2  usage error the file cannot be read; nothing was checked

Examples:
  guardrails verify evidence/guardrails-evidence-123456789012-2026-11-22T10-00-00.000Z.json
  guardrails verify evidence/index.json

Needs no AWS credentials: it reads only the file.
`;
