import { PassThrough } from "node:stream";
import { createProgressReporter } from "../../gates/sweep/progress";
import type { SweepProgress } from "../../gates/sweep";
import { verdictFor } from "./helpers";

const progress = (done: number, total: number, fail = 0, listingComplete = true): SweepProgress => ({ total, listingComplete, done, pass: done - fail, fail, inconclusive: 0, startedAtMs: Date.now() - done * 100 });

describe("sweep progress", () => {
  it("prints plain lines when stderr is not a terminal: every account for small sweeps", () => {
    const lines: string[] = [];
    const r = createProgressReporter({ isTTY: false, writeLine: (l) => lines.push(l) });
    r.start(3);
    r.update(verdictFor("100000000000", "PASS"), progress(1, 3));
    r.update(verdictFor("100000000001", "FAIL"), progress(2, 3, 1));
    r.stop();
    expect(lines[0]).toBe("sweep: checking 3 account(s)");
    expect(lines[2]).toMatch(/^sweep 2\/3: 100000000001 FAIL \(pass 1, fail 1, inconclusive 0; ETA \d+ s\)$/);
  });

  it("thins PASS lines for large sweeps but always prints non-PASS accounts", () => {
    const lines: string[] = [];
    const r = createProgressReporter({ isTTY: false, writeLine: (l) => lines.push(l) });
    r.start(1000);
    for (let i = 1; i <= 1000; i++) r.update(verdictFor(String(100000000000 + i), i === 7 ? "FAIL" : "PASS"), progress(i, 1000));
    expect(lines.length).toBe(1 + 20 + 1);
    expect(lines.some((l) => l.includes("FAIL"))).toBe(true);
  });

  it("while accounts are still being listed: the total so far with a '+', thinned PASS lines, every non-PASS account", () => {
    const lines: string[] = [];
    const r = createProgressReporter({ isTTY: false, writeLine: (l) => lines.push(l) });
    for (let i = 1; i <= 120; i++) r.update(verdictFor(String(100000000000 + i), i === 3 ? "INCONCLUSIVE" : "PASS"), progress(i, 200, 0, false));
    expect(lines).toHaveLength(1 + 2); // account 3, then accounts 50 and 100
    expect(lines[0]).toMatch(/^sweep 3\/200\+: 100000000003 INCONCLUSIVE .*ETA unknown\)$/);
    r.start(200);
    expect(lines[3]).toBe("sweep: checking 200 account(s)");
  });

  it("draws a cli-progress bar with done, failing and inconclusive on a terminal", () => {
    const stream = new PassThrough();
    let out = "";
    stream.on("data", (c: Buffer) => (out += c.toString()));
    Object.assign(stream, { isTTY: true, columns: 200, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
    const r = createProgressReporter({ isTTY: true, stream, writeLine: () => undefined });
    r.start(2);
    r.update(verdictFor("100000000001", "FAIL"), progress(1, 2, 1));
    r.stop();
    expect(out).toContain("1/2 accounts | failing 1 | inconclusive 0");
  });
});
