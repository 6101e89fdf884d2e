/**
 * What `--wait` may wait for (DESIGN.md section 4): only what time can fix: no finding yet, a stale
 * report or finding, the gate role not deployed yet in a just-vended account (AssumeRole denied),
 * throttling, timeouts and 5xx. Pure: it reads the evidence of one attempt.
 *
 * Decided here (and documented in the README):
 * - no credentials found at all: stop at once; nothing was even sent.
 * - stop when the same cause is seen on two attempts in a row, because waiting cannot fix it but one
 *   attempt could be a blip (a proxy restarting, IAM propagating a just-attached policy): the
 *   endpoint unreachable (connection refused), a host name that does not resolve, a TLS failure,
 *   access denied on an API other than AssumeRole, credentials AWS rejects, a response that cannot
 *   be parsed, Security Hub not enabled in the account (or in the aggregating account).
 * Only reads that can keep the verdict from PASS count: IAM.4's, and IAM.3's live data when IAM.3 is
 * required (IAM.3 findings never block: live data decides).
 */
import type { Iam3Evidence, Iam4Evidence, Read, ReadFailure } from "../types";
import { explainFailure, readFailureSentence } from "./failure-reasons";

export interface WaitAdvice {
  /** Set when waiting cannot help at all: stop now, with this sentence. */
  stopNow: string | null;
  /** Causes waiting cannot fix, by a stable key: stop if the previous attempt had the same one. */
  persistent: Map<string, string>;
}

function failuresOf(e: { iam4: Iam4Evidence; iam3: Iam3Evidence }, iam3Required: boolean): { what: string; failure: ReadFailure }[] {
  const reads: { what: string; read: Read<unknown> | null }[] = [
    { what: "GetAccountSummary", read: e.iam4.accountSummary },
    { what: "the credential report", read: e.iam4.credentialReport },
    { what: "Security Hub findings", read: e.iam4.findings },
    { what: "whether Security Hub is enabled (DescribeHub)", read: e.iam4.targetSecurityHub },
    { what: "ListOrganizationsFeatures", read: e.iam4.rootCredentialsManagement },
  ];
  if (iam3Required) {
    reads.push({ what: "the IAM users (ListUsers)", read: e.iam3.users });
    if (e.iam3.users.ok) for (const u of e.iam3.users.value) reads.push({ what: `the access keys of IAM user ${u.userName}`, read: u.keys });
  }
  return reads.flatMap(({ what, read }) => (read !== null && !read.ok ? [{ what, failure: read }] : []));
}

export function waitAdvice(e: { iam4: Iam4Evidence; iam3: Iam3Evidence }, iam3Required: boolean): WaitAdvice {
  const advice: WaitAdvice = { stopNow: null, persistent: new Map() };
  for (const { what, failure } of failuresOf(e, iam3Required)) {
    const waitability = explainFailure(failure).waitability;
    if (waitability === "stop-now" && advice.stopNow === null) advice.stopNow = readFailureSentence(what, failure);
    if (waitability === "stop-if-repeated") {
      const key = [failure.kind, failure.code ?? "", failure.failedCall ?? failure.api, failure.accountId].join("|");
      advice.persistent.set(key, readFailureSentence(what, failure));
    }
  }
  const hub = e.iam4.targetSecurityHub;
  if (hub.ok && !hub.value.enabled) {
    advice.persistent.set(`hub-off|${hub.accountId}|${hub.region}`, `Security Hub is not enabled in ${hub.accountId} (${hub.region}), so no IAM.4 finding can arrive.`);
  }
  return advice;
}
