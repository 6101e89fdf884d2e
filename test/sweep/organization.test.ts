import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  type Account,
  type OrganizationsClient,
} from "@aws-sdk/client-organizations";
import { listOrganizationAccounts, type OrgCall } from "../../gates/sweep/organization";

/** A tree: root r-1 > ou-a > ou-a1 > ou-a1x, root > ou-b. Pages of 2 to exercise NextToken. */
const parents: Record<string, string> = { "ou-a": "r-1", "ou-a1": "ou-a", "ou-a1x": "ou-a1", "ou-b": "r-1" };
const accounts: (Account & { parent: string })[] = [
  { Id: "111111111111", Name: "management", State: "ACTIVE", parent: "r-1" },
  { Id: "222222222222", Name: "security-tooling", Status: "ACTIVE", parent: "ou-a" },
  { Id: "333333333333", Name: "a-1", State: "ACTIVE", parent: "ou-a" },
  { Id: "444444444444", Name: "a-2", State: "ACTIVE", parent: "ou-a" },
  { Id: "555555555555", Name: "deep", State: "ACTIVE", parent: "ou-a1x" },
  { Id: "666666666666", Name: "suspended", State: "SUSPENDED", Status: "SUSPENDED", parent: "ou-a1" },
  { Id: "777777777777", Name: "b", State: "ACTIVE", parent: "ou-b" },
  { Id: "888888888888", Name: "closing", State: "PENDING_CLOSURE", parent: "r-1" },
];

function page<T>(items: T[], token: string | undefined): { items: T[]; NextToken: string | undefined } {
  const start = token === undefined ? 0 : Number(token);
  return { items: items.slice(start, start + 2), NextToken: start + 2 < items.length ? String(start + 2) : undefined };
}

function fakeOrg(calls: string[]): OrganizationsClient {
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof ListAccountsCommand) {
      calls.push("ListAccounts");
      const p = page(accounts, command.input.NextToken);
      return { Accounts: p.items, NextToken: p.NextToken };
    }
    if (command instanceof ListAccountsForParentCommand) {
      calls.push(`ListAccountsForParent ${command.input.ParentId}`);
      const p = page(accounts.filter((a) => a.parent === command.input.ParentId), command.input.NextToken);
      return { Accounts: p.items, NextToken: p.NextToken };
    }
    if (command instanceof ListOrganizationalUnitsForParentCommand) {
      calls.push(`ListOUs ${command.input.ParentId}`);
      const ous = Object.keys(parents).filter((ou) => parents[ou] === command.input.ParentId).map((Id) => ({ Id }));
      const p = page(ous, command.input.NextToken);
      return { OrganizationalUnits: p.items, NextToken: p.NextToken };
    }
    throw new Error("unexpected command");
  };
  return { send } as unknown as OrganizationsClient;
}

const direct: OrgCall = (_api, send) => send(new AbortController().signal);

describe("listOrganizationAccounts", () => {
  it("without --ou lists every ACTIVE account over all pages, management included, others skipped", async () => {
    const calls: string[] = [];
    const r = await listOrganizationAccounts(fakeOrg(calls), direct);
    expect(r.accounts.map((a) => a.id)).toEqual(["111111111111", "222222222222", "333333333333", "444444444444", "555555555555", "777777777777"]);
    expect(r.skipped).toEqual([
      { id: "666666666666", name: "suspended", status: "SUSPENDED" },
      { id: "888888888888", name: "closing", status: "PENDING_CLOSURE" },
    ]);
    expect(calls.filter((c) => c === "ListAccounts")).toHaveLength(4);
  });

  it("with --ou includes nested OUs at any depth, over all pages", async () => {
    const r = await listOrganizationAccounts(fakeOrg([]), direct, ["ou-a"]);
    expect(r.accounts.map((a) => a.id).sort()).toEqual(["222222222222", "333333333333", "444444444444", "555555555555"]);
    expect(r.accounts.find((a) => a.id === "555555555555")?.parentId).toBe("ou-a1x");
    expect(r.skipped.map((s) => s.id)).toEqual(["666666666666"]);
  });

  it("reads an OU once even when named twice or nested under another named OU", async () => {
    const calls: string[] = [];
    const r = await listOrganizationAccounts(fakeOrg(calls), direct, ["ou-a1", "ou-a", "ou-a1", "ou-b"]);
    expect(r.accounts.map((a) => a.id).sort()).toEqual(["222222222222", "333333333333", "444444444444", "555555555555", "777777777777"]);
    expect(calls.filter((c) => c === "ListOUs ou-a1")).toHaveLength(1);
  });

  it("passes every call through the injected call function (retries and limiter live there)", async () => {
    const apis: string[] = [];
    const counting: OrgCall = (api, send) => {
      apis.push(api);
      return send(new AbortController().signal);
    };
    await listOrganizationAccounts(fakeOrg([]), counting, ["ou-b"]);
    expect(apis).toEqual(["organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"]);
  });
});
