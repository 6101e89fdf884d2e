import { runPool } from "../../gates/sweep/scheduler";
import { tick } from "./helpers";

describe("runPool", () => {
  it("never runs more than `concurrency` tasks and starts them in order", async () => {
    let running = 0;
    let peak = 0;
    const startOrder: number[] = [];
    const outcomes = await runPool(
      Array.from({ length: 20 }, (_, i) => i),
      async (i) => {
        startOrder.push(i);
        running++;
        peak = Math.max(peak, running);
        await tick(i % 3);
        running--;
        return i * 2;
      },
      { concurrency: 4 },
    );
    expect(peak).toBe(4);
    expect(startOrder).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(outcomes.map((o) => (o.state === "done" ? o.value : null))).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
  });

  it("is fair: a slow task holds one worker only, the others keep draining the queue", async () => {
    const finished: number[] = [];
    await runPool(
      [0, 1, 2, 3, 4, 5],
      async (i) => {
        await tick(i === 0 ? 60 : 1);
        finished.push(i);
      },
      { concurrency: 2 },
    );
    expect(finished.indexOf(0)).toBe(5);
  });

  it("records a throwing task and carries on with the others", async () => {
    const outcomes = await runPool([1, 2, 3], async (i) => {
      if (i === 2) throw new Error("boom");
      return i;
    }, { concurrency: 1 });
    expect(outcomes.map((o) => o.state)).toEqual(["done", "threw", "done"]);
  });

  it("on abort starts nothing new and reports in-flight tasks as interrupted without waiting for them", async () => {
    const controller = new AbortController();
    const started = Date.now();
    const pending = runPool(
      [0, 1, 2, 3, 4, 5],
      async (i) => {
        if (i === 2) controller.abort();
        if (i >= 2) await new Promise<never>(() => undefined); // stuck, like a hung account
        return i;
      },
      { concurrency: 2, signal: controller.signal },
    );
    const outcomes = await pending;
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(outcomes[0]?.state).toBe("done");
    expect(outcomes[2]?.state).toBe("interrupted");
    // Whatever had started is done or interrupted; nothing started after the abort.
    expect(outcomes.slice(4).every((o) => o.state === "not-started")).toBe(true);
    expect(outcomes.filter((o) => o.state === "done").length).toBeLessThanOrEqual(2);
  });
});
