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

  // IAM matches action names case-insensitively; resources (ARNs) are compared exactly.
  it.each([
    ["SecurityHub:Disable*", "securityhub:DisableSecurityHub", true, true],
    ["SecurityHub:Disable*", "securityhub:DisableSecurityHub", false, false],
    ["config:DeleteDeliveryChannel", "CONFIG:deletedeliverychannel", true, true],
    ["arn:aws:s3:::Evidence*", "arn:aws:s3:::evidence-bucket", false, false],
  ])("%s covers %s (ignoreCase %s): %s", (pattern, value, ignoreCase, expected) => expect(wildcardCovers(pattern, value, ignoreCase)).toBe(expected));
});

// [name, base, head, classifications expected (sorted), substring]
const CASES: [string, string, string, string[], string][] = [
  ["string vs array, key case of condition", doc(deny("iam:CreateAccessKey", exempt("a"))), doc({ Resource: ["*"], Condition: { ArnNotLike: { "aws:principalarn": ["a"] } }, Action: ["IAM:CreateAccessKey"], Effect: "Deny" }), [], ""],
  ["wildcard replaced by the actions it covered", doc(deny("securityhub:Disable*")), doc(deny("securityhub:DisableSecurityHub")), ["weakened"], "no longer denies securityhub:Disable*"],
  ["statement split in two covers the same", doc(deny(["a:x", "a:y"])), doc(deny("a:x"), deny("a:y")), [], ""],
  ["exemption removed", doc(deny("a:x", exempt("r1", "r2"))), doc(deny("a:x", exempt("r1"))), ["strengthened"], "no longer exempts"],
  ["exemption covered by existing wildcard", doc(deny("a:x", exempt("arn:role/BG*"))), doc(deny("a:x", exempt("arn:role/BG*", "arn:role/BG2"))), [], ""],
  ["condition added to a deny", doc(deny("a:x")), doc(deny("a:x", { Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } })), ["weakened"], "gained condition"],
  ["condition dropped from a deny widens it", doc(deny("a:x", exempt("r1"))), doc(deny("a:x")), ["strengthened"], "dropped condition"],
  ["positive match narrowed", doc(deny("a:x", { Condition: { ArnLike: { "aws:PrincipalArn": ["root", "admin"] } } })), doc(deny("a:x", { Condition: { ArnLike: { "aws:PrincipalArn": ["root"] } } })), ["weakened"], "no longer applies to"],
  ["deny statement removed", doc(deny("a:x"), deny("b:y")), doc(deny("a:x")), ["weakened"], "removed: no longer denies b:y"],
  ["allow widened (gate role)", doc(allow("organizations:TagResource")), doc(allow(["organizations:TagResource", "organizations:MoveAccount"])), ["weakened"], "now allows organizations:MoveAccount"],
  ["allow narrowed", doc(allow(["a:x", "a:y"])), doc(allow("a:x")), ["strengthened"], "no longer allows a:y"],
  ["allow resource widened", doc(allow("a:x", { Resource: "arn:1" })), doc(allow("a:x", { Resource: "*" })), ["weakened"], "now allows resources *"],
];

// Names are compared as IAM compares them and printed as the policy writes them.
const SPELLING: [string, string, string, string[], string, RegExp][] = [
  ["action case changed, one removed: the removed one printed as written", doc(deny(["config:DeleteDeliveryChannel", "config:StopConfigurationRecorder"])), doc(deny("CONFIG:stopconfigurationrecorder")), ["weakened"], "no longer denies config:DeleteDeliveryChannel", /config:deletedeliverychannel|stopconfigurationrecorder/],
  ["wildcard in other case still covers", doc(deny("securityhub:DisableSecurityHub")), doc(deny("SecurityHub:Disable*")), ["strengthened"], "now also denies SecurityHub:Disable*", /securityhub:disable\*/],
  ["condition key printed as written", doc(deny("a:x", { Condition: { ArnNotLike: { "aws:PrincipalARN": ["r1"] } } })), doc(deny("a:x", { Condition: { ArnNotLike: { "aws:PrincipalARN": ["r1", "arn:aws:iam::*:role/Contractor"] } } })), ["weakened"], "now exempts aws:PrincipalARN arn:aws:iam::*:role/Contractor", /aws:principalarn/],
  ["resource case is a change (ARNs are exact)", doc(deny("s3:DeleteObject", { Resource: "arn:aws:s3:::Evidence/*" })), doc(deny("s3:DeleteObject", { Resource: "arn:aws:s3:::evidence/*" })), ["strengthened", "weakened"], "no longer covers resources arn:aws:s3:::Evidence/*", /^$/],
];

describe("comparePolicies: spelling", () => {
  it.each(SPELLING)("%s", (_name, base, head, classes, text, notPrinted) => {
    const findings = comparePolicies(parsePolicy(base), parsePolicy(head));
    expect(findings.map((f) => f.classification).sort()).toEqual(classes);
    const explanations = findings.map((f) => f.explanation).join("\n");
    expect(explanations).toContain(text);
    if (notPrinted.source !== "^$") expect(explanations).not.toMatch(notPrinted);
  });
});

describe("comparePolicies", () => {
  it.each(CASES)("%s", (_name, base, head, classes, text) => {
    const findings = comparePolicies(parsePolicy(base), parsePolicy(head));
    expect(findings.map((f) => f.classification).sort()).toEqual(classes);
    if (text) expect(findings.map((f) => f.explanation).join("\n")).toContain(text);
  });
});
