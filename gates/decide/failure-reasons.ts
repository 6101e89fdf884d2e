/**
 * Why a read failed, in words a pipeline log reader acts on: the real cause and the fix that helps,
 * one sentence per cause. Pure: the I/O layer recorded the kind, the code and the failing call
 * (gates/aws/errors.ts); this module only explains them. Also says whether waiting (--wait) can fix
 * a failure, so the re-check loop stops at once when it cannot.
 */
import type { ReadFailure } from "../types";

/** What --wait does about a failure: keep waiting, stop at once, or stop once it repeats. */
export type Waitability = "time-can-fix" | "stop-now" | "stop-if-repeated";

/** Codes with which AWS rejects the caller's credentials themselves (not a missing permission). */
export const AUTH_REJECTED_CODES: ReadonlySet<string> = new Set(["InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch", "UnrecognizedClientException", "AuthFailure"]);
const DNS_NOT_FOUND = "ENOTFOUND";
const CONNECTION_REFUSED = "ECONNREFUSED";
const TLS_CODE = /^(EPROTO|ERR_SSL_\w+|ERR_TLS_\w+|\w*CERT\w*|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|HOSTNAME_MISMATCH)$/;

function isAssumeRole(f: ReadFailure): boolean {
  return f.failedCall === "sts:AssumeRole" || f.api === "sts:AssumeRole";
}

/** The operation that failed: the read's API unless another call (AssumeRole) failed first. */
function failedCall(f: ReadFailure): string {
  return f.failedCall ?? f.api;
}

/** `connect ECONNREFUSED 127.0.0.1:9` -> `127.0.0.1:9`; `getaddrinfo ENOTFOUND host` -> `host`. */
function afterCode(message: string, code: string): string | null {
  // The errno is followed by the address in Node's text ("connect ECONNREFUSED 127.0.0.1:9"); skip "(…".
  const m = new RegExp(`${code} ([A-Za-z0-9\\[][^\\s);,]*)`).exec(message);
  return m?.[1] ?? null;
}

/** The role name of an assumed-role ARN `arn:<p>:iam::<acct>:role/<path/>name`. */
function roleName(arn: string | undefined): string | null {
  const m = /:role\/(?:.*\/)?([^/]+)$/.exec(arn ?? "");
  return m?.[1] ?? null;
}

/** The `N ms` / `N s` a timeout message quotes, as seconds text, or null. */
function quotedLimit(message: string): string | null {
  const ms = /call timeout of (\d+) ms/.exec(message);
  if (ms?.[1] !== undefined) return `${Number(ms[1]) / 1000} s`;
  const s = /account deadline \(([\d.]+ s)\)/.exec(message);
  return s?.[1] ?? null;
}

export interface FailureExplanation {
  /** What went wrong, naming the real cause ("no AWS credentials found: ..."). */
  cause: string;
  /** What helps ("give the pipeline credentials ..."). */
  fix: string;
  waitability: Waitability;
}

/** Cause, fix and waitability of one failed read. */
export function explainFailure(f: ReadFailure): FailureExplanation {
  const code = f.code ?? "";
  const call = failedCall(f);
  switch (f.kind) {
    case "no-credentials": {
      const at = f.message.indexOf("no AWS credentials found");
      const detail = at >= 0 ? f.message.slice(at) : `no AWS credentials found (${f.message})`;
      return {
        cause: `${detail}, so nothing was sent`,
        fix: `give the pipeline credentials (environment, profile or OIDC role) of a principal ${roleName(f.resource) ?? "the gate's read-only role"} trusts; waiting cannot help`,
        waitability: "stop-now",
      };
    }
    case "unreachable": {
      if (code === DNS_NOT_FOUND) {
        const host = afterCode(f.message, code) ?? "the endpoint";
        return {
          cause: `the host name ${host} does not resolve (${code})`,
          fix: "check --endpoint-url / AWS_ENDPOINT_URL and --home-region, and the runner's DNS",
          waitability: "stop-if-repeated",
        };
      }
      if (code === "EAI_AGAIN") {
        const host = afterCode(f.message, code) ?? "the endpoint";
        return {
          cause: `the host name ${host} could not be resolved: the DNS server did not answer (${code})`,
          fix: "check the runner's DNS and network; rerun (--wait retries)",
          waitability: "time-can-fix",
        };
      }
      if (code === CONNECTION_REFUSED) {
        const address = afterCode(f.message, code) ?? "the endpoint";
        return {
          cause: `nothing accepts connections at ${address} (${code})`,
          fix: "check --endpoint-url / AWS_ENDPOINT_URL, the proxy (HTTPS_PROXY) and the network, then rerun",
          waitability: "stop-if-repeated",
        };
      }
      if (TLS_CODE.test(code)) {
        return {
          cause: `the TLS handshake with the endpoint failed (${code})`,
          fix: "the endpoint does not speak HTTPS as configured (an http:// endpoint given as https://?) or its certificate is not trusted (a TLS-inspecting proxy's CA goes in NODE_EXTRA_CA_CERTS)",
          waitability: "stop-if-repeated",
        };
      }
      return {
        cause: `the connection to the endpoint failed (${code || "network error"})`,
        fix: "check the runner's network; rerun (--wait retries)",
        waitability: "time-can-fix",
      };
    }
    case "access-denied": {
      if (AUTH_REJECTED_CODES.has(code)) {
        return {
          cause: `AWS rejected the credentials on ${call} (${code}): they are invalid or expired`,
          fix: "refresh the pipeline's AWS credentials, then rerun",
          waitability: "stop-if-repeated",
        };
      }
      if (isAssumeRole(f)) {
        const role = f.resource ?? `the gate role in ${f.accountId}`;
        return {
          cause: `sts:AssumeRole on ${role} was denied (${code || "AccessDenied"})`,
          fix: `either the role is not deployed in ${f.accountId} yet (the member-baseline StackSet creates it minutes after the account joins a target OU: rerun with --wait) or its trust policy does not trust this pipeline's principal (gate.trustedPrincipalArns)`,
          waitability: "time-can-fix",
        };
      }
      if (call === "iam:ListOrganizationsFeatures") {
        return {
          cause: `${call} was denied to the pipeline's own principal in the management account (${code || "AccessDenied"})`,
          fix: `grant ${call} to it (the GuardrailsGatePromotion policy does), or lift the SCP that denies it`,
          waitability: "stop-if-repeated",
        };
      }
      const role = roleName(f.principal) ?? "the gate's read-only role";
      return {
        cause: `${call} was denied to ${role} in ${f.accountId} (${code || "AccessDenied"})`,
        fix: `grant ${call} to that role (the modules' gate-access policy lists it), or lift the SCP that denies it`,
        waitability: "stop-if-repeated",
      };
    }
    case "throttled":
      return {
        cause: `${call} stayed throttled through every retry (${code || "throttled"})`,
        fix: "the API's request quota is used up by other callers (a concurrent sweep?); rerun later, --wait keeps retrying",
        waitability: "time-can-fix",
      };
    case "timeout": {
      const limit = quotedLimit(f.message);
      if (code === "DeadlineExceeded") {
        return {
          cause: `the account deadline${limit !== null ? ` (${limit})` : ""} passed before ${call} finished`,
          fix: "raise --timeout, or rerun; slow answers are cut per call by --call-timeout",
          waitability: "time-can-fix",
        };
      }
      if (code === "ReportInProgress") {
        return {
          cause: "IAM was still generating the credential report when the account deadline passed",
          fix: "rerun (--wait keeps polling), or raise --timeout",
          waitability: "time-can-fix",
        };
      }
      if (code === "Interrupted") {
        return { cause: "the sweep was interrupted (Ctrl-C) before it finished", fix: "rerun the check", waitability: "time-can-fix" };
      }
      return {
        cause: `${call} did not answer within the call timeout${limit !== null ? ` (${limit})` : ""}`,
        fix: "the endpoint is slow or the network drops packets; rerun, or raise --call-timeout",
        waitability: "time-can-fix",
      };
    }
    case "not-enabled":
      return {
        cause: `Security Hub is not enabled in ${f.accountId} (${f.region}): ${call} answered ${code || "not subscribed"}`,
        fix: `enable it there (the security-tooling stack's configuration policy does, for every account of its targets)`,
        waitability: "stop-if-repeated",
      };
    case "malformed":
      return {
        cause: `the answer to ${call} could not be parsed (${code || "malformed"}): it is not AWS's format or was cut short`,
        fix: "check that --endpoint-url / AWS_ENDPOINT_URL / HTTPS_PROXY reach AWS (not a captive portal or proxy page), then rerun",
        waitability: "stop-if-repeated",
      };
    case "not-found":
      return {
        cause: `${call} found nothing (${code || "not found"})`,
        fix: "check the account id, --role-name and --home-region",
        waitability: "stop-if-repeated",
      };
    case "error":
      return {
        cause: `${call} failed (${code || "error"}${/HTTP 5\d\d/.test(f.message) ? ", a service error on AWS's side" : ""})`,
        fix: "rerun; if it persists, see the message in the evidence bundle",
        waitability: "time-can-fix",
      };
  }
}

/**
 * For a failure that is about the runner rather than about one read (no credentials, an endpoint that
 * cannot be reached, credentials AWS rejects), the words every sentence about it contains, whichever call
 * met it first; null for failures that belong to one read. Lets a second source say such a cause once.
 */
export function runnerCauseMarker(f: ReadFailure): string | null {
  if (f.kind === "no-credentials") return "no AWS credentials found";
  if (f.kind === "unreachable") return explainFailure(f).cause;
  if (f.kind === "access-denied" && AUTH_REJECTED_CODES.has(f.code ?? "")) return "AWS rejected the credentials";
  return null;
}

/** One sentence: `<what> could not be read in <account> (<region>): <cause>; <fix>.` */
export function readFailureSentence(what: string, f: ReadFailure): string {
  const e = explainFailure(f);
  return `${capitalize(what)} could not be read in ${f.accountId} (${f.region}): ${e.cause}; ${e.fix}.`;
}

/** Failures with the same cause read the same: grouped so a log shows the cause once. */
function causeKey(f: ReadFailure): string {
  // No credentials / DNS / refused connections / TLS are about the runner, not about an account.
  if (f.kind === "no-credentials" || (f.kind === "unreachable" && f.code !== undefined)) return `${f.kind}|${f.code ?? ""}`;
  // The pipeline's own credentials rejected on AssumeRole: the same for every account.
  if (f.kind === "access-denied" && isAssumeRole(f) && AUTH_REJECTED_CODES.has(f.code ?? "")) return `rejected|${f.code ?? ""}`;
  if (f.kind === "access-denied" && isAssumeRole(f)) return `assume|${f.resource ?? f.accountId}`;
  return `${f.kind}|${f.code ?? ""}|${failedCall(f)}|${f.accountId}|${f.region}`;
}

function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? "";
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1] ?? ""}`;
}

/**
 * Sentences for several failed reads, one per distinct cause:
 * `GetAccountSummary and the credential report could not be read in 333… (us-east-1): <cause>; <fix>.`
 * `allLabel` ("No IAM.4 source could be read") replaces the list when one cause failed every read.
 */
export function failureSentences(items: readonly { what: string; failure: ReadFailure }[], allLabel?: string): string[] {
  const groups = new Map<string, { whats: string[]; failure: ReadFailure; accounts: Set<string> }>();
  for (const { what, failure } of items) {
    const key = causeKey(failure);
    const g = groups.get(key) ?? { whats: [], failure, accounts: new Set<string>() };
    if (!g.whats.includes(what)) g.whats.push(what);
    g.accounts.add(failure.accountId);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const e = explainFailure(g.failure);
    const where = g.accounts.size === 1 ? ` in ${g.failure.accountId} (${g.failure.region})` : "";
    // One cause behind every read (no credentials, endpoint unreachable): the list would only lengthen the line.
    const subject = allLabel !== undefined && groups.size === 1 && g.whats.length >= 3 ? allLabel : `${capitalize(joinNames(g.whats))} could not be read`;
    return `${subject}${where}: ${e.cause}; ${e.fix}.`;
  });
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
