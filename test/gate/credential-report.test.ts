import { parseCredentialReport, rootKeyPresentInSlot } from "../../gates/credential-report";
import { ACCOUNT_2022, ACCOUNT_2025, REPORT_2022, REPORT_2025, editReportField, fixtureText } from "./helpers";

const r2022 = fixtureText(REPORT_2022);
const r2025 = fixtureText(REPORT_2025);
const aws2022 = { accountId: ACCOUNT_2022, partition: "aws" };
const aws2025 = { accountId: ACCOUNT_2025, partition: "aws" };

describe("parseCredentialReport on real reports", () => {
  it("reads the pre-2025 format (root password not_supported, +00:00 timestamps)", () => {
    const parsed = parseCredentialReport(r2022, aws2022);
    expect(parsed.structuralError).toBeNull();
    expect(parsed.root?.passwordEnabled).toBe("not_supported");
    expect(parsed.root?.passwordLastChanged).toBe("not_supported");
    expect(parsed.root?.userCreationTime).toBe("2022-03-08T16:02:25+00:00");
    expect(parsed.root?.mfaActive).toBe(false);
    expect(parsed.root?.accessKeys).toEqual([
      { slot: 1, active: false, lastRotated: "N/A", lastUsedDate: "N/A", lastUsedRegion: null, lastUsedService: null },
      { slot: 2, active: false, lastRotated: "N/A", lastUsedDate: "N/A", lastUsedRegion: null, lastUsedService: null },
    ]);
    expect(parsed.users.map((u) => u.user)).toEqual(["cloudgoat", "jake", "test_account", "test_key_account"]);
    const jake = parsed.users.find((u) => u.user === "jake");
    expect(jake?.arn).toBe(`arn:aws:iam::${ACCOUNT_2022}:user/jake`);
    expect(jake?.accessKeys[0]).toEqual({
      slot: 1,
      active: true,
      lastRotated: "2022-05-18T09:51:58+00:00",
      lastUsedDate: "2023-01-03T10:27:00+00:00",
      lastUsedRegion: "eu-central-1",
      lastUsedService: "ec2",
    });
    expect(parsed.users.find((u) => u.user === "test_key_account")?.accessKeys[0].lastUsedDate).toBe("N/A");
  });

  it("reads the 2025 format (root password true, Z timestamps)", () => {
    const parsed = parseCredentialReport(r2025, aws2025);
    expect(parsed.structuralError).toBeNull();
    expect(parsed.root?.passwordEnabled).toBe(true);
    expect(parsed.root?.passwordLastUsed).toBe("no_information");
    expect(parsed.root?.passwordLastChanged).toBe("2025-01-28T17:25:12Z");
    expect(parsed.root?.mfaActive).toBe(true);
    expect(parsed.root?.fields["password_next_rotation"]).toBe("not_supported");
    expect(parsed.root?.accessKeys.map(rootKeyPresentInSlot)).toEqual([false, false]);
    expect(parsed.users.map((u) => u.user)).toEqual(["Ad", "Regular"]);
  });
});

describe("parseCredentialReport: variants built from the real reports", () => {
  type Case = [string, string, { accountId: string; partition: string }, string | null];
  const withBomCrlf = "\uFEFF" + r2022.replaceAll("\n", "\r\n") + "\r\n";
  const dupRoot = r2025 + "\n" + (r2025.split("\n")[1] ?? "");
  const withoutRoot = r2025.split("\n").filter((l) => !l.startsWith("<root_account>")).join("\n");
  const missingColumn = r2025
    .split("\n")
    .map((l) => l.split(",").filter((_, i) => i !== 7).join(","))
    .join("\n"); // drops mfa_active everywhere: counts still agree, the column is gone
  const extraField = r2025.replace("Ad,arn:", "Ad,extra,arn:");
  const cases: Case[] = [
    ["BOM + CRLF + trailing newline", withBomCrlf, aws2022, null],
    ["one trailing empty line", r2025 + "\n\n", aws2025, null],
    ["missing column", missingColumn, aws2025, "required column(s) missing: mfa_active"],
    ["extra field in one row", extraField, aws2025, "row 3 has 23 fields but the header has 22"],
    ["two empty lines in the middle", r2025.replace("\nAd,", "\n\nAd,"), aws2025, "row 3 has 1 fields"],
    ["duplicate root row", dupRoot, aws2025, "row appears 2 times"],
    ["root row missing", withoutRoot, aws2025, "row is missing"],
    ["root ARN of another account", r2025, { accountId: "999999999999", partition: "aws" }, "another account or partition"],
    ["root ARN of another partition", r2025, { accountId: ACCOUNT_2025, partition: "aws-us-gov" }, "expected arn:aws-us-gov:iam::156041403698:root"],
    ["unterminated quote", r2025.replace("Ad,", '"Ad,'), aws2025, "could not be parsed"],
    ["empty content", "", aws2025, "empty"],
  ];
  it.each(cases)("%s", (_name, content, expected, error) => {
    const parsed = parseCredentialReport(content, expected);
    if (error === null) {
      expect(parsed.structuralError).toBeNull();
      expect(parsed.root).not.toBeNull();
    } else {
      expect(parsed.structuralError).toContain(error);
      expect(parsed.root).toBeNull();
    }
  });

  it("accepts an aws-us-gov root ARN when that partition is expected", () => {
    const gov = r2025.replaceAll("arn:aws:iam::", "arn:aws-us-gov:iam::");
    expect(parseCredentialReport(gov, { accountId: ACCOUNT_2025, partition: "aws-us-gov" }).structuralError).toBeNull();
  });

  it("parses quoted user names containing commas by header name (Q5)", () => {
    const quoted = r2025.replace("Ad,arn:aws:iam::156041403698:user/Ad,", '"Ad,min",arn:aws:iam::156041403698:user/Ad,');
    const parsed = parseCredentialReport(quoted, aws2025);
    expect(parsed.structuralError).toBeNull();
    expect(parsed.users[0]?.user).toBe("Ad,min");
    expect(parsed.users[0]?.arn).toBe("arn:aws:iam::156041403698:user/Ad");
  });
});

describe("root key slots (Q1: inactive keys keep last_rotated)", () => {
  type Case = [string, string, string, boolean | null, string | "N/A" | null, boolean | null];
  const cases: Case[] = [
    ["inactive key with a rotation date is present", "false", "2020-08-18T14:36:56+00:00", false, "2020-08-18T14:36:56+00:00", true],
    ["uppercase TRUE is active", "TRUE", "2025-01-28T17:25:12Z", true, "2025-01-28T17:25:12Z", true],
    ["active true with N/A is still present", "true", "N/A", true, "N/A", true],
    ["False/N/A is no key", "False", "N/A", false, "N/A", false],
    ["unknown boolean is unknown", "yes", "N/A", null, "N/A", null],
    ["timestamp without offset is unknown", "false", "2020-08-18T14:36:56", false, null, null],
    ["not_supported in last_rotated is unknown", "false", "not_supported", false, null, null],
    ["empty active is unknown", "", "N/A", null, "N/A", null],
  ];
  it.each(cases)("%s", (_name, active, lastRotated, expActive, expRotated, present) => {
    let csv = editReportField(r2025, "access_key_2_active", active);
    csv = editReportField(csv, "access_key_2_last_rotated", lastRotated);
    const parsed = parseCredentialReport(csv, aws2025);
    expect(parsed.structuralError).toBeNull();
    const slot = parsed.root?.accessKeys[1];
    expect(slot?.active).toBe(expActive);
    expect(slot?.lastRotated).toBe(expRotated);
    expect(slot === undefined ? "missing" : rootKeyPresentInSlot(slot)).toBe(present);
    // slot 1 untouched
    expect(parsed.root?.accessKeys[0] === undefined ? "missing" : rootKeyPresentInSlot(parsed.root.accessKeys[0])).toBe(false);
  });
});
