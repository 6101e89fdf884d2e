import { parse } from "csv-parse/sync";
import { decideIam3 } from "../../gates/decide/iam3";
import { INVENTORY_CSV_COLUMNS, renderInventoryCsv } from "../../gates/render/inventory";
import { DAY_S, FULL_KEY_ID, KEY_ALICE, KEY_ALICE_2, KEY_BOB, evidence, exception, key, ok, user } from "./evidence";

describe("key inventory CSV", () => {
  const decision = decideIam3(
    evidence({
      users: ok([
        user("alice", [key(KEY_ALICE, 120 * DAY_S), key(KEY_ALICE_2, 400 * DAY_S, "Inactive")]),
        user("=cmd|calc", [key(KEY_BOB, 10 * DAY_S)]),
      ]),
      exceptions: [exception({ accessKeyId: KEY_ALICE })],
    }),
  );
  const csv = renderInventoryCsv(decision.inventory);
  const rows = parse(csv, { columns: true }) as Record<string, string>[];

  it("has a header row and one row per key", () => {
    expect(csv.split("\n")[0]).toBe(INVENTORY_CSV_COLUMNS.join(","));
    expect(rows).toHaveLength(3);
  });
  it("masks key ids and never contains a full one", () => {
    expect(rows.map((r) => r.accessKeyId)).toEqual(["****************MPLE", "****************WXYZ", "****************B0B0"]);
    expect(csv).not.toMatch(FULL_KEY_ID);
    expect(renderInventoryCsv([{ ...decision.inventory[0]!, accessKeyId: KEY_ALICE }])).not.toMatch(FULL_KEY_ID);
  });
  it("writes ages, due days, violation and the covering exception", () => {
    expect(rows[0]).toMatchObject({ user: "alice", status: "Active", ageDays: "120.0", daysUntilDue: "-30.0", violation: "true", coveredByTicket: "SEC-1234" });
    expect(rows[1]).toMatchObject({ status: "Inactive", daysUntilDue: "", violation: "false", coveredByTicket: "" });
  });
  it("neutralises spreadsheet formulas in text cells", () => {
    expect(rows[2]?.user).toBe("'=cmd|calc");
  });
  it("renders only the header for no keys", () => {
    expect(renderInventoryCsv([])).toBe(`${INVENTORY_CSV_COLUMNS.join(",")}\n`);
  });
});
