import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ExceptionsRegisterError,
  loadExceptionsRegister,
  parseExceptionsRegister,
  type ExceptionsRegisterOptions,
} from "../../gates/exceptions/register";
import { FULL_KEY_ID } from "./evidence";

const OPTS: ExceptionsRegisterOptions = { now: new Date("2026-11-25T00:00:00Z"), maxWindowDays: 90 };
const KEY = "AKIAIOSFODNN7EXAMPLE";

const entry = (fields: Record<string, string> = {}): string => {
  const all: Record<string, string> = {
    account: '"123456789012"',
    user: "alice",
    reason: "vendor cannot rotate before release 4.2",
    approver: "ciso@example.com",
    ticket: "SEC-1",
    approvedAt: "2026-11-01T00:00:00Z",
    expires: "2026-12-31T23:59:59Z",
    ...fields,
  };
  return Object.entries(all)
    .filter(([, v]) => v !== "<omit>")
    .map(([k, v], i) => `${i === 0 ? "- " : "  "}${k}: ${v}`)
    .join("\n");
};
const yamlOf = (...entries: string[]): string => `exceptions:\n${entries.map((e) => e.replace(/^/gm, "  ")).join("\n")}\n`;

function errorsOf(text: string, file = "exceptions.yaml", opts = OPTS): string[] {
  try {
    parseExceptionsRegister(text, file, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ExceptionsRegisterError);
    const e = err as ExceptionsRegisterError;
    expect(e.message).toContain(file);
    expect(e.message).not.toMatch(FULL_KEY_ID);
    for (const line of e.errors) expect(line.startsWith(`${file}:`)).toBe(true);
    return e.errors;
  }
  throw new Error("expected the register to be rejected");
}

describe("exceptions register: valid files", () => {
  it("reads { exceptions: [...] } YAML, reduces a user ARN to the name, keeps the key", () => {
    const text = yamlOf(entry(), entry({ user: "arn:aws:iam::123456789012:user/team/ci/bob", accessKeyId: KEY }));
    const { exceptions, warnings } = parseExceptionsRegister(text, "exceptions.yaml", OPTS);
    expect(exceptions).toEqual([
      expect.objectContaining({ account: "123456789012", user: "alice", expires: "2026-12-31T23:59:59Z" }),
      expect.objectContaining({ user: "bob", accessKeyId: KEY }),
    ]);
    expect(exceptions[0]).not.toHaveProperty("accessKeyId");
    expect(warnings).toEqual([]);
  });
  it("reads a top-level JSON list, and [] as no exceptions", () => {
    const json = JSON.stringify([{ account: "123456789012", user: "alice", reason: "r", approver: "a", ticket: "t", approvedAt: "2026-11-01T00:00:00+02:00", expires: "2026-12-01T00:00:00+02:00" }]);
    expect(parseExceptionsRegister(json, "register.json", OPTS).exceptions).toHaveLength(1);
    expect(parseExceptionsRegister("[]", "register.json", OPTS).exceptions).toEqual([]);
    expect(parseExceptionsRegister(json, "register.txt", OPTS).exceptions).toHaveLength(1);
  });
  it("accepts a window of exactly the maximum", () => {
    const text = yamlOf(entry({ approvedAt: "2026-11-01T00:00:00Z", expires: "2027-01-30T00:00:00Z" }));
    expect(parseExceptionsRegister(text, "x.yml", OPTS).exceptions).toHaveLength(1);
  });
  it("loads from disk and names the path in errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "register-"));
    const good = join(dir, "ok.yaml");
    writeFileSync(good, yamlOf(entry()));
    expect(loadExceptionsRegister(good, OPTS).exceptions).toHaveLength(1);
    const missing = join(dir, "missing.yaml");
    expect(() => loadExceptionsRegister(missing, OPTS)).toThrow(missing);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("exceptions register: every error names file, entry (from 1) and field", () => {
  const cases: [string, string, RegExp][] = [
    ["bare date", yamlOf(entry(), entry(), entry({ expires: "2026-12-31" })),
      /^exceptions\.yaml: entry 3, field "expires": "2026-12-31" is a date without a time and offset; write 2026-12-31T23:59:59Z$/],
    ["timestamp without offset", yamlOf(entry({ approvedAt: "2026-11-01T00:00:00" })), /entry 1, field "approvedAt": .*has no offset/],
    ["impossible date", yamlOf(entry({ expires: "2026-02-30T00:00:00Z" })), /entry 1, field "expires": .*not an ISO 8601 timestamp/],
    ["window too long", yamlOf(entry({ approvedAt: "2026-11-01T00:00:00Z", expires: "2027-01-30T00:00:01Z" })), /entry 1, field "expires": .*more than the allowed 90 days/],
    ["expires before approvedAt", yamlOf(entry({ expires: "2026-10-01T00:00:00Z" })), /field "expires": .*is not after approvedAt/],
    ["approvedAt in the future", yamlOf(entry({ approvedAt: "2026-12-01T00:00:00Z", expires: "2026-12-31T00:00:00Z" })), /field "approvedAt": .*in the future/],
    ["missing field", yamlOf(entry(), entry({ approver: "<omit>" })), /^exceptions\.yaml: entry 2, field "approver": is required$/],
    ["unknown field", yamlOf(entry({ control: "IAM.3" })), /entry 1, field "control": unknown field/],
    ["non-string account", yamlOf(entry({ account: "012345678901" })), /entry 1, field "account": is a number \(12345678901\); quote it/],
    ["short account", yamlOf(entry({ account: '"12345"' })), /field "account": "12345" is not a 12-digit AWS account id/],
    ["root user name", yamlOf(entry({ user: "<root_account>" })), /field "user": .*root access keys can never be excepted \(IAM\.4\)/],
    ["root", yamlOf(entry({ user: "root" })), /field "user": .*can never be excepted \(IAM\.4\)/],
    ["root ARN", yamlOf(entry({ user: "arn:aws:iam::123456789012:root" })), /field "user": .*can never be excepted \(IAM\.4\)/],
    ["ARN of another account", yamlOf(entry({ user: "arn:aws:iam::210987654321:user/alice" })), /field "user": the ARN's account 210987654321/],
    ["malformed access key id, masked", yamlOf(entry({ accessKeyId: "AKIAlowercase0000123" })), /field "accessKeyId": \*{16}0123 is not an IAM user access key id/],
    ["empty reason", yamlOf(entry({ reason: '""' })), /field "reason": must not be empty/],
    ["entry not a mapping", "- just a string\n", /entry 1: must be a mapping/],
    ["unknown top-level field", "exceptions: []\nowner: me\n", /top level, field "owner": unknown field/],
    ["empty file", "", /the file is empty/],
  ];
  it.each(cases)("%s", (_name, text, expected) => {
    expect(errorsOf(text)).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it("aggregates all errors of all entries", () => {
    const errors = errorsOf(yamlOf(entry({ expires: "2026-12-31" }), entry({ user: "root", ticket: "<omit>" }), entry({ color: "red" })));
    expect(errors).toHaveLength(4);
    expect(errors.map((e) => e.match(/entry (\d)/)?.[1])).toEqual(["1", "2", "2", "3"]);
  });
  it("honours a custom maximum window", () => {
    const text = yamlOf(entry({ approvedAt: "2026-11-01T00:00:00Z", expires: "2026-11-20T00:00:00Z" }));
    expect(errorsOf(text, "x.yaml", { ...OPTS, maxWindowDays: 14 })[0]).toMatch(/more than the allowed 14 days/);
  });
  it.each([
    ["malformed YAML", "exceptions:\n  - account: [1\n  - user: x\n", "bad.yaml", /^bad\.yaml: not valid YAML: /],
    ["malformed JSON", '{"exceptions": [', "bad.json", /^bad\.json: not valid JSON: /],
    ["duplicate YAML keys", "- account: '123456789012'\n  account: '123456789012'\n", "dup.yaml", /^dup\.yaml: not valid YAML: .*unique/],
  ])("%s names the file", (_name, text, file, expected) => {
    expect(errorsOf(text, file)[0]).toMatch(expected);
  });
});

describe("exceptions register: warnings", () => {
  it("warns about entries expiring within 14 days, masking the key", () => {
    const text = yamlOf(entry({ accessKeyId: KEY, expires: "2026-12-01T00:00:00Z" }));
    const { warnings } = parseExceptionsRegister(text, "exceptions.yaml", OPTS);
    expect(warnings).toEqual([
      "exceptions.yaml: entry 1: exception for 123456789012/alice (key ****************MPLE, ticket SEC-1) expires on 2026-12-01T00:00:00Z, in 6 days; rotate the key or renew the approval",
    ]);
  });
  it("keeps expired entries as history, with a warning", () => {
    const text = yamlOf(entry({ approvedAt: "2026-10-01T00:00:00Z", expires: "2026-11-01T00:00:00Z" }));
    const { exceptions, warnings } = parseExceptionsRegister(text, "exceptions.yaml", OPTS);
    expect(exceptions).toHaveLength(1);
    expect(warnings[0]).toMatch(/all keys.*expired on 2026-11-01T00:00:00Z/);
  });
  it("does not warn 15 days ahead", () => {
    const text = yamlOf(entry({ expires: "2026-12-10T00:00:01Z" }));
    expect(parseExceptionsRegister(text, "exceptions.yaml", OPTS).warnings).toEqual([]);
  });
});
