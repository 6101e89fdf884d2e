import { comparePolicies, parsePolicy, wildcardCovers } from "../../gates/diff/scp";

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const deny = (action: string | string[], extra: object = {}) => ({ Effect: "Deny", Action: action, Resource: "*", ...extra });
const allow = (action: string | string[], extra: object = {}) => ({ Effect: "Allow", Action: action, Resource: "*", ...extra });
const exempt = (...arns: string[]) => ({ Condition: { ArnNotLike: { "aws:PrincipalARN": arns } } });

describe("wildcardCovers", () => {
  it.each([
    ["securityhub:disable*", "securityhub:disablesecurityhub", true],
    ["securityhub:*", "securityhub:disable*", true],
    ["securityhub:disable*", "securityhub:*", false],
    ["iam:createaccesskey", "iam:createaccesskeys", false],
    ["s3:get?bject", "s3:getobject", true],
  ])("%s covers %s: %s", (pattern, value, expected) => expect(wildcardCovers(pattern, value)).toBe(expected));
});

// [name, base, head, classifications expected (sorted), substring]
const CASES: [string, string, string, string[], string][] = [
  ["string vs array, key case of condition", doc(deny("iam:CreateAccessKey", exempt("a"))), doc({ Resource: ["*"], Condition: { ArnNotLike: { "aws:principalarn": ["a"] } }, Action: ["IAM:CreateAccessKey"], Effect: "Deny" }), [], ""],
  ["wildcard replaced by the actions it covered", doc(deny("securityhub:Disable*")), doc(deny("securityhub:DisableSecurityHub")), ["weakened"], "no longer denies securityhub:disable*"],
  ["statement split in two covers the same", doc(deny(["a:x", "a:y"])), doc(deny("a:x"), deny("a:y")), [], ""],
  ["exemption removed", doc(deny("a:x", exempt("r1", "r2"))), doc(deny("a:x", exempt("r1"))), ["strengthened"], "no longer exempts"],
  ["exemption covered by existing wildcard", doc(deny("a:x", exempt("arn:role/BG*"))), doc(deny("a:x", exempt("arn:role/BG*", "arn:role/BG2"))), [], ""],
  ["condition added to a deny", doc(deny("a:x")), doc(deny("a:x", { Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } })), ["weakened"], "gained condition"],
  ["condition dropped from a deny widens it", doc(deny("a:x", exempt("r1"))), doc(deny("a:x")), ["strengthened"], "dropped condition"],
  ["positive match narrowed", doc(deny("a:x", { Condition: { ArnLike: { "aws:PrincipalArn": ["root", "admin"] } } })), doc(deny("a:x", { Condition: { ArnLike: { "aws:PrincipalArn": ["root"] } } })), ["weakened"], "no longer applies to"],
  ["deny statement removed", doc(deny("a:x"), deny("b:y")), doc(deny("a:x")), ["weakened"], "removed: no longer denies b:y"],
  ["allow widened (gate role)", doc(allow("organizations:TagResource")), doc(allow(["organizations:TagResource", "organizations:MoveAccount"])), ["weakened"], "now allows organizations:moveaccount"],
  ["allow narrowed", doc(allow(["a:x", "a:y"])), doc(allow("a:x")), ["strengthened"], "no longer allows a:y"],
  ["allow resource widened", doc(allow("a:x", { Resource: "arn:1" })), doc(allow("a:x", { Resource: "*" })), ["weakened"], "now allows resources *"],
];

describe("comparePolicies", () => {
  it.each(CASES)("%s", (_name, base, head, classes, text) => {
    const findings = comparePolicies(parsePolicy(base), parsePolicy(head));
    expect(findings.map((f) => f.classification).sort()).toEqual(classes);
    if (text) expect(findings.map((f) => f.explanation).join("\n")).toContain(text);
  });
});
