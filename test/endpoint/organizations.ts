/**
 * AWS Organizations (awsJson1_1, X-Amz-Target AWSOrganizationsV20161128.<Op>). Everything except
 * DescribeOrganization is management-account only, as in AWS. Timestamps are epoch seconds on this protocol.
 */
import { awsJson11Routing, type CallContext, type ServiceHandler } from "./service";
import { callerArn } from "./sts";
import { ServiceError, decodeToken, encodeToken, jsonError, jsonResponse, page, pageSize } from "./wire";
import type { AccountState, World } from "./world";

const TARGET_PREFIX = "AWSOrganizationsV20161128.";

type Input = Record<string, unknown>;
const str = (input: Input, key: string): string | undefined => (typeof input[key] === "string" ? (input[key] as string) : undefined);

function orgArn(world: World, suffix: string): string {
  return `arn:${world.partition}:organizations::${world.managementAccountId}:${suffix}`;
}

/**
 * The deprecated `Status` (ACTIVE | SUSPENDED | PENDING_CLOSURE) for a `State`. Model assumption: a
 * CLOSED account (suspended for its post-closure period) reads SUSPENDED; PENDING_ACTIVATION has no
 * Status value, so the field is left out.
 */
function deprecatedStatus(state: AccountState["status"]): string | undefined {
  switch (state) {
    case "ACTIVE":
    case "SUSPENDED":
    case "PENDING_CLOSURE":
      return state;
    case "CLOSED":
      return "SUSPENDED";
    case "PENDING_ACTIVATION":
      return undefined;
  }
}

function accountJson(world: World, a: AccountState) {
  const fields = a.statusFields ?? "both";
  return {
    Id: a.id,
    Arn: orgArn(world, `account/${world.organizationId}/${a.id}`),
    Email: a.email,
    Name: a.name,
    Status: fields === "State" ? undefined : deprecatedStatus(a.status),
    State: fields === "Status" ? undefined : a.status,
    JoinedMethod: a.id === world.managementAccountId ? "INVITED" : "CREATED",
    JoinedTimestamp: Date.parse(a.joinedTimestamp) / 1000,
  };
}

function requireAccount(world: World, id: string | undefined): AccountState {
  const a = id === undefined ? undefined : world.accounts[id];
  if (!a || !Object.prototype.hasOwnProperty.call(world.accounts, id ?? "")) {
    throw new ServiceError("AccountNotFoundException", "You specified an account that doesn't exist.", 400);
  }
  return a;
}

function parentExists(world: World, id: string | undefined): boolean {
  return id !== undefined && (id === world.rootId || Object.prototype.hasOwnProperty.call(world.organizationalUnits, id));
}

function requireParent(world: World, id: string | undefined, code = "ParentNotFoundException"): string {
  if (!parentExists(world, id)) throw new ServiceError(code, "We can't find a root or OU with the ParentId that you specified.", 400);
  return id as string;
}

/** Pages with NextToken/MaxResults (AWS caps Organizations pages at 20). */
function paged<T>(items: readonly T[], input: Input) {
  const offset = decodeToken(str(input, "NextToken"), "InvalidInputException");
  const { items: slice, next } = page(items, offset, pageSize(input["MaxResults"], 20, 20));
  return { items: slice, NextToken: next === undefined ? undefined : encodeToken(next) };
}

function tagsOf(world: World, resourceId: string | undefined): Record<string, string> {
  if (resourceId !== undefined && Object.prototype.hasOwnProperty.call(world.accounts, resourceId)) return world.accounts[resourceId].tags;
  throw new ServiceError("TargetNotFoundException", "We can't find a target with the TargetId that you specified.", 400);
}

function accountsUnder(world: World, parentId: string): AccountState[] {
  return Object.values(world.accounts).filter((a) => a.parentId === parentId);
}

function dispatch(ctx: CallContext, input: Input): unknown {
  const world = ctx.world;
  const isManagement = ctx.accountId === world.managementAccountId;
  if (!isManagement && ctx.action !== "DescribeOrganization") {
    throw new ServiceError("AccessDeniedException", `You don't have permissions to access this resource. (caller ${callerArn(ctx)})`, 403);
  }
  switch (ctx.action) {
    case "DescribeOrganization": {
      const mgmt = world.accounts[world.managementAccountId];
      return {
        Organization: {
          Id: world.organizationId,
          Arn: orgArn(world, `organization/${world.organizationId}`),
          FeatureSet: world.featureSet,
          MasterAccountArn: orgArn(world, `account/${world.organizationId}/${world.managementAccountId}`),
          MasterAccountId: world.managementAccountId,
          MasterAccountEmail: mgmt?.email,
          AvailablePolicyTypes: world.rootPolicyTypes.map((t) => ({ Type: t.type, Status: t.status })),
        },
      };
    }
    case "ListRoots":
      return {
        Roots: [
          {
            Id: world.rootId,
            Arn: orgArn(world, `root/${world.organizationId}/${world.rootId}`),
            Name: "Root",
            PolicyTypes: world.rootPolicyTypes.map((t) => ({ Type: t.type, Status: t.status })),
          },
        ],
      };
    case "ListChildren": {
      const parentId = requireParent(world, str(input, "ParentId"));
      const type = str(input, "ChildType");
      const ids =
        type === "ACCOUNT"
          ? accountsUnder(world, parentId).map((a) => a.id)
          : type === "ORGANIZATIONAL_UNIT"
            ? Object.values(world.organizationalUnits).filter((o) => o.parentId === parentId).map((o) => o.id)
            : (() => {
                throw new ServiceError("InvalidInputException", "ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT", 400);
              })();
      const p = paged(ids, input);
      return { Children: p.items.map((Id) => ({ Id, Type: type })), NextToken: p.NextToken };
    }
    case "ListOrganizationalUnitsForParent": {
      const parentId = requireParent(world, str(input, "ParentId"));
      const p = paged(Object.values(world.organizationalUnits).filter((o) => o.parentId === parentId), input);
      return {
        OrganizationalUnits: p.items.map((o) => ({ Id: o.id, Arn: orgArn(world, `ou/${world.organizationId}/${o.id}`), Name: o.name })),
        NextToken: p.NextToken,
      };
    }
    case "ListAccountsForParent": {
      const parentId = requireParent(world, str(input, "ParentId"));
      const p = paged(accountsUnder(world, parentId), input);
      return { Accounts: p.items.map((a) => accountJson(world, a)), NextToken: p.NextToken };
    }
    case "ListAccounts": {
      const p = paged(Object.values(world.accounts), input);
      return { Accounts: p.items.map((a) => accountJson(world, a)), NextToken: p.NextToken };
    }
    case "DescribeAccount":
      return { Account: accountJson(world, requireAccount(world, str(input, "AccountId"))) };
    case "ListParents": {
      const childId = str(input, "ChildId");
      let parentId: string | undefined;
      if (childId !== undefined && Object.prototype.hasOwnProperty.call(world.accounts, childId)) parentId = world.accounts[childId].parentId;
      else if (childId !== undefined && Object.prototype.hasOwnProperty.call(world.organizationalUnits, childId)) parentId = world.organizationalUnits[childId].parentId;
      if (parentId === undefined) throw new ServiceError("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.", 400);
      return { Parents: [{ Id: parentId, Type: parentId === world.rootId ? "ROOT" : "ORGANIZATIONAL_UNIT" }] };
    }
    case "ListTagsForResource": {
      const tags = Object.entries(tagsOf(world, str(input, "ResourceId"))).map(([Key, Value]) => ({ Key, Value }));
      const p = paged(tags, input);
      return { Tags: p.items, NextToken: p.NextToken };
    }
    case "TagResource": {
      const tags = tagsOf(world, str(input, "ResourceId"));
      const newTags = Array.isArray(input["Tags"]) ? (input["Tags"] as { Key?: unknown; Value?: unknown }[]) : [];
      for (const t of newTags) {
        if (typeof t.Key !== "string" || typeof t.Value !== "string") throw new ServiceError("InvalidInputException", "Each tag needs a Key and a Value.", 400);
        tags[t.Key] = t.Value;
      }
      return {};
    }
    case "UntagResource": {
      const tags = tagsOf(world, str(input, "ResourceId"));
      const keys = Array.isArray(input["TagKeys"]) ? (input["TagKeys"] as unknown[]) : [];
      for (const k of keys) if (typeof k === "string") delete tags[k];
      return {};
    }
    case "MoveAccount": {
      const acct = requireAccount(world, str(input, "AccountId"));
      const source = str(input, "SourceParentId");
      const destination = requireParent(world, str(input, "DestinationParentId"), "DestinationParentNotFoundException");
      if (!parentExists(world, source) || acct.parentId !== source) {
        throw new ServiceError("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified.", 400);
      }
      if (acct.parentId === destination) {
        throw new ServiceError("DuplicateAccountException", "That account is already present in the specified destination.", 400);
      }
      acct.parentId = destination;
      return {};
    }
    default:
      return setupReads(ctx, input);
  }
}

/** The reads `guardrails preflight` makes: trusted access, delegated administrators, SCP attachments, OUs. */
function setupReads(ctx: CallContext, input: Input): unknown {
  const world = ctx.world;
  switch (ctx.action) {
    case "ListAWSServiceAccessForOrganization": {
      const p = paged(world.trustedServices, input);
      return { EnabledServicePrincipals: p.items.map((ServicePrincipal) => ({ ServicePrincipal, DateEnabled: Date.parse("2024-01-15T10:00:00Z") / 1000 })), NextToken: p.NextToken };
    }
    case "ListDelegatedAdministrators": {
      const principal = str(input, "ServicePrincipal");
      const ids = principal === undefined ? [...new Set(Object.values(world.delegatedAdministrators).flat())] : (world.delegatedAdministrators[principal] ?? []);
      const p = paged(ids.filter((id) => Object.prototype.hasOwnProperty.call(world.accounts, id)), input);
      return {
        DelegatedAdministrators: p.items.map((id) => ({ ...accountJson(world, world.accounts[id] as AccountState), DelegationEnabledDate: Date.parse("2024-02-01T10:00:00Z") / 1000 })),
        NextToken: p.NextToken,
      };
    }
    case "ListPoliciesForTarget": {
      const target = str(input, "TargetId");
      const filter = str(input, "Filter");
      if (filter === undefined) throw new ServiceError("InvalidInputException", "You must specify a Filter.", 400);
      const exists = target !== undefined && (parentExists(world, target) || Object.prototype.hasOwnProperty.call(world.accounts, target));
      if (!exists) throw new ServiceError("TargetNotFoundException", "We can't find a root, OU, account, or email with the TargetId that you specified.", 400);
      const attached = Object.values(world.policies).filter((x) => x.type === filter && x.targets.includes(target as string));
      const p = paged(attached, input);
      return {
        Policies: p.items.map((x) => ({
          Id: x.id,
          Arn: x.awsManaged ? `arn:${world.partition}:organizations::aws:policy/service_control_policy/${x.id}` : orgArn(world, `policy/${world.organizationId}/service_control_policy/${x.id}`),
          Name: x.name,
          Description: x.name,
          Type: x.type,
          AwsManaged: x.awsManaged,
        })),
        NextToken: p.NextToken,
      };
    }
    case "DescribeOrganizationalUnit": {
      const id = str(input, "OrganizationalUnitId");
      const ou = id !== undefined && Object.prototype.hasOwnProperty.call(world.organizationalUnits, id) ? world.organizationalUnits[id] : undefined;
      if (ou === undefined) throw new ServiceError("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified.", 400);
      return { OrganizationalUnit: { Id: ou.id, Arn: orgArn(world, `ou/${world.organizationId}/${ou.id}`), Name: ou.name } };
    }
    default:
      throw new ServiceError("UnknownOperationException", `Unknown operation ${ctx.action}`, 400);
  }
}

export const organizationsHandler: ServiceHandler = {
  service: "organizations",
  ...awsJson11Routing<Input>(TARGET_PREFIX, dispatch, jsonResponse),
  formatError: jsonError,
  throttleError: () => new ServiceError("TooManyRequestsException", "You have sent too many requests in too short a period of time.", 429),
  internalError: () => new ServiceError("ServiceException", "AWS Organizations can't complete your request because of an internal service error.", 500),
  accessDeniedError: (ctx) => new ServiceError("AccessDeniedException", `User: ${callerArn(ctx)} is not authorized to perform: organizations:${ctx.action}`, 403),
  unknownCredentialsError: () => new ServiceError("UnrecognizedClientException", "The security token included in the request is invalid.", 400),
};
