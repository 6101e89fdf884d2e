/**
 * AWS error -> ReadFailureKind. Every error the gate cannot positively explain is a failure of the
 * read ("error"), never empty data: the decision functions turn each kind into INCONCLUSIVE. The
 * code (service, network or the gate's own) is kept so a reason can name the real cause.
 */
import type { ReadFailureKind } from "../types";

export interface ClassifiedError {
  kind: ReadFailureKind;
  /** Worth another attempt within the deadline (throttling, 5xx, dropped connection, call timeout). */
  retryable: boolean;
  /** The service's error code or the error's name / errno ("Throttling", "SyntaxError", "ECONNREFUSED"). */
  code: string;
  /** Short, secret-free description: error name and HTTP status, never the request or credentials. */
  message: string;
}

/** Thrown by the call layer once retries are exhausted or not allowed; collectors catch it. */
export class AwsCallError extends Error {
  readonly kind: ReadFailureKind;
  readonly code: string;
  /** The operation that failed ("sts:AssumeRole", "iam:GetAccountSummary"), when known. */
  readonly call: string | undefined;
  /** What it was about, e.g. the role ARN of an AssumeRole. */
  readonly resource: string | undefined;
  constructor(kind: ReadFailureKind, code: string, message: string, where: { call?: string; resource?: string } = {}) {
    super(message);
    this.name = "AwsCallError";
    this.kind = kind;
    this.code = code;
    this.call = where.call;
    this.resource = where.resource;
  }
}

/** Gate-side codes for the two time limits: one call's own timeout, and the account's deadline. */
export const CALL_TIMEOUT = "CallTimeout";
export const DEADLINE_EXCEEDED = "DeadlineExceeded";

const ACCESS_DENIED = /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|UnauthorizedAccess|AuthorizationError|AccessDeniedForDependencyException|InvalidClientTokenId|ExpiredToken|ExpiredTokenException|SignatureDoesNotMatch|UnrecognizedClientException|AuthFailure)$/;
const THROTTLED = /^(Throttling|ThrottlingException|ThrottledException|TooManyRequests|TooManyRequestsException|RequestLimitExceeded|SlowDown|LimitExceeded|LimitExceededException|RequestThrottled|RequestThrottledException|ProvisionedThroughputExceededException|TransactionInProgressException)$/;
const TIMEOUT = /^(AbortError|TimeoutError|RequestTimeout|RequestTimeoutException|CallTimeout|DeadlineExceeded)$/;
/**
 * The SDK's default chain throws CredentialsProviderError ("Could not load credentials from any
 * providers") when no provider yields credentials (aws/aws-sdk-js-v3,
 * packages/credential-provider-node/src/defaultProvider.ts); an SSO profile whose token is missing or
 * expired throws TokenProviderError. Either way nothing could be signed, so nothing was sent.
 */
const NO_CREDENTIALS = /^(CredentialsProviderError|TokenProviderError)$/;
/** DNS: the name does not exist (ENOTFOUND) is not transient; EAI_AGAIN (resolver busy) is. */
const DNS_PERMANENT = new Set(["ENOTFOUND"]);
/** Connection-level failures worth retrying within the deadline. */
const NETWORK_TRANSIENT = new Set(["ECONNRESET", "EPIPE", "ECONNREFUSED", "ETIMEDOUT", "EAI_AGAIN", "ECONNABORTED", "EHOSTUNREACH", "ENETUNREACH"]);
/**
 * TLS: Node's OpenSSL errors (EPROTO "wrong version number" when https:// meets a plain-HTTP server)
 * and certificate verification codes (https://nodejs.org/api/tls.html#x509-certificate-error-codes).
 */
const TLS = /^(EPROTO|ERR_SSL_\w+|ERR_TLS_\w+|\w*CERT\w*|UNABLE_TO_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|HOSTNAME_MISMATCH)$/;

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $response?: unknown;
}

/**
 * The SDK's retry middleware wraps a thrown value that is not `instanceof Error` (a Node network error
 * created in another realm, e.g. under a test runner's VM) as `new Error("AWS SDK error wrapper for " +
 * String(error))`, which drops `code` (@smithy/core, retry/middleware-retry/util.ts asSdkError). The
 * errno still stands in the text ("... for Error: connect ECONNREFUSED 127.0.0.1:9").
 */
const WRAPPED_ERRNO = /^AWS SDK error wrapper for [^:]*: .*?\b(E[A-Z]{3,}[A-Z0-9_]*|ERR_[A-Z0-9_]+)\b/;
/**
 * Without an errno in the text, the wrapped error's own name: the HTTP handler renames a socket reset
 * (ECONNRESET, EPIPE, ETIMEDOUT) "TimeoutError" and keeps Node's message, so the text reads "... for
 * TimeoutError: socket hang up" (@smithy/node-http-handler, NODEJS_TIMEOUT_ERROR_CODES and its request
 * "error" handler). Read as what it is in the function's own realm: a timeout, retried.
 */
const WRAPPED_NAME = /^AWS SDK error wrapper for ([A-Za-z]+(?:Error|Exception)):/;

function errorCode(e: ErrorShape): string {
  for (const c of [e.Code, e.name, e.code]) if (typeof c === "string" && c !== "" && c !== "Error") return c;
  if (typeof e.message !== "string") return "Error";
  return WRAPPED_ERRNO.exec(e.message)?.[1] ?? WRAPPED_NAME.exec(e.message)?.[1] ?? "Error";
}

function httpStatus(e: ErrorShape): number | null {
  const s = e.$metadata?.httpStatusCode;
  return typeof s === "number" ? s : null;
}

/**
 * Which places the SDK's default credential chain searched, as a pipeline author would check them
 * (order of packages/credential-provider-node/src/defaultProvider.ts: env, SSO, ini, process, web
 * identity token file, container or instance metadata).
 */
export function credentialSearchDescription(env: NodeJS.ProcessEnv = process.env): string {
  const given = (name: string): string | undefined => (env[name] !== undefined && env[name] !== "" ? env[name] : undefined);
  const profile = given("AWS_PROFILE") !== undefined ? `profile "${given("AWS_PROFILE")}" (AWS_PROFILE)` : 'profile "default"';
  const files = `${given("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials"} and ${given("AWS_CONFIG_FILE") ?? "~/.aws/config"}`;
  const imdsOff = given("AWS_EC2_METADATA_DISABLED") !== undefined && env["AWS_EC2_METADATA_DISABLED"] !== "false";
  const remote =
    given("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") !== undefined || given("AWS_CONTAINER_CREDENTIALS_FULL_URI") !== undefined
      ? "container credentials"
      : imdsOff
        ? "instance metadata (off: AWS_EC2_METADATA_DISABLED)"
        : "EC2 instance metadata";
  return `the SDK's default chain looked for AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ${profile} in ${files}, AWS_WEB_IDENTITY_TOKEN_FILE and ${remote}`;
}

/** Turns any thrown value into a kind, whether it is retryable and a loggable message. */
export function classifyAwsError(err: unknown): ClassifiedError {
  if (err instanceof AwsCallError) return { kind: err.kind, retryable: false, code: err.code, message: err.message };
  const e: ErrorShape = typeof err === "object" && err !== null ? (err as ErrorShape) : { message: String(err) };
  const code = errorCode(e);
  const status = httpStatus(e);
  const text = typeof e.message === "string" ? e.message : "";
  const where = status !== null ? ` (HTTP ${status})` : "";
  // The service's own sentence says which permission or resource is at fault; bounded, and masked at output.
  const detail = text !== "" && text !== code && !/Deserialization error/.test(text) ? ` (${text.replace(/\s+/g, " ").slice(0, 200)})` : "";
  const describe = (what: string): string => `${what}: ${code}${where}${detail}`;

  if (NO_CREDENTIALS.test(code)) {
    // The chain's generic sentence adds nothing; a specific one (an SSO session expired) is kept.
    const said = text === "" || /^Could not load credentials from any providers/.test(text) ? code : `${code}: ${text.replace(/\s+/g, " ").slice(0, 160)}`;
    return { kind: "no-credentials", retryable: false, code, message: `no AWS credentials found (${said}); ${credentialSearchDescription()}` };
  }
  if (ACCESS_DENIED.test(code) || status === 403) {
    return { kind: "access-denied", retryable: false, code, message: describe("access denied") };
  }
  if (code === "InvalidAccessException" || /not subscribed to AWS Security Hub/i.test(text)) {
    return { kind: "not-enabled", retryable: false, code, message: describe("service not enabled") };
  }
  if (THROTTLED.test(code) || status === 429) {
    return { kind: "throttled", retryable: true, code, message: describe("throttled") };
  }
  if (TIMEOUT.test(code) || /timed? ?out|aborted/i.test(code)) {
    return { kind: "timeout", retryable: true, code, message: describe("timed out") };
  }
  // A body the SDK could not parse (truncated or not JSON/XML): never read as "no data".
  if (code === "SyntaxError" || /Deserialization error|parse error|Unexpected end of|Unexpected token|not valid JSON/i.test(text)) {
    return { kind: "malformed", retryable: false, code, message: describe("malformed response body") };
  }
  if (DNS_PERMANENT.has(code)) {
    return { kind: "unreachable", retryable: false, code, message: describe("host name not found") };
  }
  if (TLS.test(code)) {
    return { kind: "unreachable", retryable: false, code, message: describe("TLS failure") };
  }
  if (NETWORK_TRANSIENT.has(code)) {
    return { kind: "unreachable", retryable: true, code, message: describe("network error") };
  }
  if ((status !== null && status >= 500) || e.$fault === "server") {
    return { kind: "error", retryable: true, code, message: describe("service error") };
  }
  if (/NoSuchEntity|NotFound|ResourceNotFound/.test(code) || status === 404) {
    return { kind: "not-found", retryable: false, code, message: describe("not found") };
  }
  return { kind: "error", retryable: false, code, message: describe("request failed") };
}
