import { exitCodeFor, worstVerdict } from "../../gates/verdict";
import type { Verdict } from "../../gates/types";

describe("worstVerdict", () => {
  const cases: [Verdict[], Verdict][] = [
    [["PASS"], "PASS"],
    [["PASS", "PASS"], "PASS"],
    [["PASS", "INCONCLUSIVE"], "INCONCLUSIVE"],
    [["INCONCLUSIVE", "FAIL", "PASS"], "FAIL"],
    [["FAIL", "INCONCLUSIVE"], "FAIL"],
    [[], "INCONCLUSIVE"],
  ];
  it.each(cases)("%j -> %s", (verdicts, expected) => {
    expect(worstVerdict(verdicts)).toBe(expected);
  });
});

describe("exitCodeFor", () => {
  it.each([
    ["PASS", 0],
    ["FAIL", 1],
    ["INCONCLUSIVE", 3],
  ] as [Verdict, number][])("%s -> %d", (verdict, code) => {
    expect(exitCodeFor(verdict)).toBe(code);
  });
});
