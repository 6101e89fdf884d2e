import { callAws, Deadline } from "../../gates/aws/call";
import { AwsCallError, classifyAwsError } from "../../gates/aws/errors";
import { ConfigError, parseGateConfig } from "../../gates/config";
import { gateTestConfig } from "./config-fixture";
import { parseDuration } from "../../gates/duration";

const err = (name: string, status?: number, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(`boom ${name}`), { name, $metadata: status === undefined ? {} : { httpStatusCode: status }, ...extra });

describe("parseDuration", () => {
  it.each([
    ["90s", 90_000],
    ["15m", 900_000],
    ["1h", 3_600_000],
    ["45", 45_000],
    ["250ms", 250],
  ])("%s", (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(["", "0", "-5s", "1d", "abc", "5 minutes"])("rejects %p", (text) => expect(parseDuration(text)).toBeNull());
});

describe("classifyAwsError", () => {
  it.each([
    [err("AccessDenied", 403), "access-denied", false],
    [err("UnauthorizedOperation", 400), "access-denied", false],
    [err("Throttling", 400), "throttled", true],
    [err("TooManyRequestsException", 429), "throttled", true],
    [err("SlowDown", 503), "throttled", true],
    [err("LimitExceededException", 409), "throttled", true],
    [err("TimeoutError"), "timeout", true],
    [err("AbortError"), "timeout", true],
    [err("InvalidAccessException", 401), "not-enabled", false],
    [err("SyntaxError"), "malformed", false],
    [Object.assign(new Error("@aws-sdk XML parse error: unexpected end of input.\n  Deserialization error: to see the raw response"), { $metadata: {} }), "malformed", false],
    [err("InternalFailure", 500, { $fault: "server" }), "error", true],
    [err("ValidationError", 400), "error", false],
    // What the SDK's default chain throws when it finds nothing, and an SSO session without a token.
    [err("CredentialsProviderError"), "no-credentials", false],
    [err("TokenProviderError"), "no-credentials", false],
    // Node's network and TLS errors (name "Error", errno in `code`).
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" }), "unreachable", true],
    [Object.assign(new Error("getaddrinfo ENOTFOUND gate.invalid"), { code: "ENOTFOUND" }), "unreachable", false],
    [Object.assign(new Error("getaddrinfo EAI_AGAIN gate.example"), { code: "EAI_AGAIN" }), "unreachable", true],
    [Object.assign(new Error("write EPROTO ...:wrong version number"), { code: "EPROTO" }), "unreachable", false],
    [Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" }), "unreachable", false],
    [Object.assign(new Error("unable to verify the first certificate"), { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }), "unreachable", false],
    [Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: "ERR_TLS_CERT_ALTNAME_INVALID" }), "unreachable", false],
    // The SDK's wrapper for an error from another realm keeps the errno only in its text.
    [new Error("AWS SDK error wrapper for Error: connect ECONNREFUSED 127.0.0.1:9"), "unreachable", true],
    // ... or its name: a socket reset the HTTP handler renamed TimeoutError (ECONNRESET: "socket hang up").
    [new Error("AWS SDK error wrapper for TimeoutError: socket hang up"), "timeout", true],
    [Object.assign(new Error("socket hang up"), { name: "TimeoutError", code: "ECONNRESET" }), "timeout", true],
  ] as const)("case %#", (e, kind, retryable) => {
    const c = classifyAwsError(e);
    expect([c.kind, c.retryable]).toEqual([kind, retryable]);
  });
});

describe("callAws", () => {
  const policy = (budgetMs: number, maxAttempts = 3) => ({
    deadline: new Deadline(budgetMs),
    callTimeoutMs: 50,
    retry: { maxAttempts, baseDelayMs: 1, maxDelayMs: 5 },
  });

  it("retries throttling and then reports it as throttled", async () => {
    let calls = 0;
    const p = callAws("iam:X", policy(1_000), async () => {
      calls++;
      throw err("Throttling", 400);
    });
    await expect(p).rejects.toMatchObject({ kind: "throttled" });
    expect(calls).toBe(3);
  });

  it("succeeds after a transient 5xx", async () => {
    let calls = 0;
    const v = await callAws("iam:X", policy(1_000), async () => {
      if (++calls === 1) throw err("InternalFailure", 500);
      return 7;
    });
    expect(v).toBe(7);
  });

  it("aborts a hanging call at the call timeout", async () => {
    const started = Date.now();
    const hang = (signal: AbortSignal) =>
      new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(err("AbortError"))));
    // Two attempts of 50 ms, well inside a 10 s budget: the bound tells a call timeout from the budget running out.
    await expect(callAws("iam:X", policy(10_000, 2), hang)).rejects.toBeInstanceOf(AwsCallError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("never outlives the deadline", async () => {
    const started = Date.now();
    const hang = (signal: AbortSignal) =>
      new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(err("AbortError"))));
    // A 30 ms budget against a 10 s call timeout: the bound tells the deadline from the call timeout.
    const p = callAws("iam:X", { ...policy(30, 10), callTimeoutMs: 10_000 }, hang);
    await expect(p).rejects.toMatchObject({ kind: "timeout" });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("tells the call's own timeout (CallTimeout) from the account deadline (DeadlineExceeded)", async () => {
    const hang = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(err("AbortError"))));
    await expect(callAws("iam:X", policy(1_000, 1), hang)).rejects.toMatchObject({ kind: "timeout", code: "CallTimeout", call: "iam:X" });
    await expect(callAws("iam:X", { ...policy(30, 1), callTimeoutMs: 1_000 }, hang)).rejects.toMatchObject({ kind: "timeout", code: "DeadlineExceeded" });
  });

  it("names the call and the role of an AssumeRole", async () => {
    const p = callAws("sts:AssumeRole arn:aws:iam::123456789012:role/R", policy(1_000), async () => {
      throw err("AccessDenied", 403);
    });
    await expect(p).rejects.toMatchObject({ kind: "access-denied", call: "sts:AssumeRole", resource: "arn:aws:iam::123456789012:role/R" });
  });

  it("does not retry a malformed body", async () => {
    let calls = 0;
    await expect(
      callAws("iam:X", policy(1_000), async () => {
        calls++;
        throw err("SyntaxError");
      }),
    ).rejects.toMatchObject({ kind: "malformed" });
    expect(calls).toBe(1);
  });
});

describe("parseGateConfig: the modules' schema, strictly", () => {
  const text = (over: Record<string, unknown> = {}): string => JSON.stringify({ ...gateTestConfig(), ...over });
  const errorOf = (t: string): string => {
    try {
      parseGateConfig(t, "org.json", new Date("2026-11-22T10:00:00Z"));
    } catch (err) {
      if (err instanceof ConfigError) return err.message;
      throw err;
    }
    throw new Error("expected a ConfigError");
  };

  it("reads a complete config with the modules' defaults applied", () => {
    const c = parseGateConfig(text({ gate: { ...gateTestConfig().gate, require: ["IAM.4", "IAM.3"] } }), "org.json");
    expect(c.homeRegion).toBe("us-east-1");
    expect(c.gate.require).toEqual(["IAM.4", "IAM.3"]);
    expect(c.gate.roleName).toBe("GuardrailsGateReadOnly");
  });

  it("rejects a misspelt key instead of silently dropping what it meant", () => {
    const gate = { ...gateTestConfig().gate, requier: ["IAM.3"] };
    expect(errorOf(text({ gate }))).toMatch(/org\.json: gate\.requier: unknown field/);
  });

  it("lists every error at once, each with its path and value", () => {
    const message = errorOf(text({ homeRegion: "us-east-9", securityToolingAccountId: "12", regions: ["x"] }));
    const lines = message.split("\n");
    expect(lines[0]).toMatch(/org\.json: invalid guardrails config \(3 errors/);
    expect(lines.slice(1)).toEqual(
      expect.arrayContaining([
        'org.json: homeRegion: "us-east-9" is not an AWS region',
        'org.json: securityToolingAccountId: "12" is not a 12-digit AWS account id',
        "org.json: regions: unknown field (not part of the configuration)",
      ]),
    );
  });

  it("applies the modules' cross-field rules too (a region outside governedRegions)", () => {
    expect(errorOf(text({ homeRegion: "eu-north-1" }))).toMatch(/governedRegions: .* must include homeRegion "eu-north-1"/);
  });

  it("names the file when it is not JSON", () => {
    expect(errorOf("{")).toMatch(/^org\.json: not valid JSON/);
  });
});
