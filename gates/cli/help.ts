/** Help text shared by the gate's commands. */

/** check / promote / verify share the gate's exit codes; diff documents its own. */
export const GATE_HELP_FOOTER = `
Exit codes:
  0  PASS          production-ready (verify: bundle intact)
  1  FAIL          evidence of a violation (verify: tampered or invalid bundle)
  2  usage error   bad arguments, config or exceptions register; nothing was sent to AWS
  3  INCONCLUSIVE  readiness could not be proven (errors, throttling, timeouts, stale or missing
                   evidence); promote: PASS but tagging or moving failed
  1 and 3 both mean "not production-ready".

Examples:
  guardrails check 123456789012 --config guardrails.config.json --output json
  guardrails promote 123456789012 --security-hub-account 210987654321 --home-region us-east-1 \\
      --evidence-dir evidence --wait 15m --move-to-ou ou-ab12-cdef3456
  guardrails verify evidence/guardrails-evidence-123456789012-2026-11-22T10-00-00.000Z.json

Credentials come from the SDK's default chain; per-account reads assume --role-name in the account,
findings are read in --security-hub-account; Organizations calls use the caller's own credentials.
`;
