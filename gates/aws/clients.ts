/**
 * AWS client factory for one gate run. All clients share one HTTP handler whose request timeout
 * really throws (see reference/sdk-notes.md), retries are done by callAws (the SDK's own are off so
 * that the deadline bounds them), and `endpoint` is set only when --endpoint-url is given: otherwise
 * the SDK applies AWS_ENDPOINT_URL itself.
 */
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { ConfigServiceClient } from "@aws-sdk/client-config-service";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { callAws, type CallPolicy } from "./call";
import { AwsCallError } from "./errors";

export interface AwsSettings {
  /** Region for regional services (Security Hub, Config) and the signing region of global ones. */
  region: string;
  partition: string;
  /** --endpoint-url; undefined lets the SDK read AWS_ENDPOINT_URL. */
  endpointUrl?: string;
  callTimeoutMs: number;
  /** Role assumed in every account the gate reads (member and security-tooling). */
  roleName: string;
  sessionName: string;
  /**
   * Connections kept open per endpoint (default the SDK's 50). A sweep raises it with its concurrency:
   * every account's calls share these connections, and requests beyond it queue for a socket
   * (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html).
   */
  maxSockets?: number;
}

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

interface ClientConfig {
  region: string;
  endpoint?: string;
  credentials?: TemporaryCredentials;
  requestHandler: NodeHttpHandler;
  maxAttempts: number;
}

/** The clients the gate uses in one account, with one set of credentials; each built on first use. */
export class AccountClients {
  private iamClient: IAMClient | undefined;
  private securityHubClient: SecurityHubClient | undefined;
  private configClient: ConfigServiceClient | undefined;
  /** When the assumed-role credentials expire (epoch ms), or null when unknown. */
  readonly expiresAtMs: number | null;
  /** Regional clients other than the default region's, keyed by service and region (preflight reads every governed region). */
  private readonly regional = new Map<string, ConfigServiceClient | SecurityHubClient | CloudTrailClient>();
  constructor(
    readonly accountId: string,
    private readonly clientConfig: ClientConfig,
  ) {
    const expiration = clientConfig.credentials?.expiration;
    this.expiresAtMs = expiration !== undefined ? expiration.getTime() : null;
  }
  get iam(): IAMClient {
    this.iamClient ??= new IAMClient(this.clientConfig);
    return this.iamClient;
  }
  get securityHub(): SecurityHubClient {
    this.securityHubClient ??= new SecurityHubClient(this.clientConfig);
    return this.securityHubClient;
  }
  get config(): ConfigServiceClient {
    this.configClient ??= new ConfigServiceClient(this.clientConfig);
    return this.configClient;
  }
  private inRegion<C extends ConfigServiceClient | SecurityHubClient | CloudTrailClient>(service: string, region: string, make: (config: ClientConfig) => C): C {
    const key = `${service}@${region}`;
    let client = this.regional.get(key) as C | undefined;
    if (client === undefined) {
      client = make({ ...this.clientConfig, region });
      this.regional.set(key, client);
    }
    return client;
  }
  configIn(region: string): ConfigServiceClient {
    return region === this.clientConfig.region ? this.config : this.inRegion("config", region, (c) => new ConfigServiceClient(c));
  }
  securityHubIn(region: string): SecurityHubClient {
    return region === this.clientConfig.region ? this.securityHub : this.inRegion("securityhub", region, (c) => new SecurityHubClient(c));
  }
  cloudTrailIn(region: string): CloudTrailClient {
    return this.inRegion("cloudtrail", region, (c) => new CloudTrailClient(c));
  }
}

/** Replace assumed-role credentials this long before they expire. */
const SESSION_REFRESH_MARGIN_MS = 60_000;

export class AwsClientFactory {
  readonly settings: AwsSettings;
  private readonly handler: NodeHttpHandler;
  /** Set on a factory made by `sibling`: it borrows the parent's connections and own-credential clients. */
  private readonly parent: AwsClientFactory | undefined;
  private readonly assumed = new Map<string, { clients: Promise<AccountClients>; expiresAtMs: number | null }>();
  private ownSts: STSClient | undefined;
  private ownRegionalSts: STSClient | undefined;
  private ownIam: IAMClient | undefined;
  private ownOrganizations: OrganizationsClient | undefined;
  private ownAccount: AccountClients | undefined;

  constructor(settings: AwsSettings, parent?: AwsClientFactory) {
    this.settings = settings;
    this.parent = parent;
    this.handler =
      parent?.handler ??
      new NodeHttpHandler({
        connectionTimeout: Math.min(settings.callTimeoutMs, 5_000),
        requestTimeout: settings.callTimeoutMs,
        throwOnRequestTimeout: true,
        ...(settings.maxSockets !== undefined
          ? { httpAgent: new HttpAgent({ keepAlive: true, maxSockets: settings.maxSockets }), httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: settings.maxSockets }) }
          : {}),
      });
  }

  /**
   * A factory for another account of the same run (a sweep's next account): it shares this one's HTTP
   * connections (kept alive, not opened per account) and its clients with the gate's own credentials (one
   * STS client assumes every account's role), and keeps its own assumed sessions, named `sessionName`.
   * Its destroy() forgets those sessions and leaves the shared connections open.
   */
  sibling(sessionName: string): AwsClientFactory {
    return new AwsClientFactory({ ...this.settings, sessionName }, this.parent ?? this);
  }

  private config(credentials?: TemporaryCredentials): ClientConfig {
    const c: ClientConfig = { region: this.settings.region, requestHandler: this.handler, maxAttempts: 1 };
    if (this.settings.endpointUrl !== undefined) c.endpoint = this.settings.endpointUrl;
    if (credentials !== undefined) c.credentials = credentials;
    return c;
  }

  /** Organizations with the gate's own credentials (management account): tagging, moving, listing. */
  organizations(): OrganizationsClient {
    if (this.parent !== undefined) return this.parent.organizations();
    this.ownOrganizations ??= new OrganizationsClient(this.config());
    return this.ownOrganizations;
  }

  /** STS with the gate's own credentials (AssumeRole, GetCallerIdentity). */
  sts(): STSClient {
    if (this.parent !== undefined) return this.parent.sts();
    this.ownSts ??= new STSClient(this.config());
    return this.ownSts;
  }

  /**
   * Clients in the caller's own account with its own credentials: preflight reads the management account
   * directly (it has no OrganizationAccountAccessRole of its own to assume).
   */
  own(accountId: string): AccountClients {
    let clients = this.ownAccount;
    if (clients === undefined || clients.accountId !== accountId) {
      clients = new AccountClients(accountId, this.config());
      this.ownAccount = clients;
    }
    return clients;
  }

  /**
   * STS on the home region's REGIONAL endpoint, whatever the SDK's default: "The STS global endpoint is not
   * supported for AssumeRoot. You must send this request to a Regional STS endpoint"
   * (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html). `useGlobalEndpoint: false` keeps
   * the endpoint rules from mapping the region to sts.amazonaws.com (@aws-sdk/client-sts endpoint ruleset,
   * UseGlobalEndpoint); --endpoint-url / AWS_ENDPOINT_URL still win, as for every client.
   */
  regionalSts(): STSClient {
    if (this.parent !== undefined) return this.parent.regionalSts();
    this.ownRegionalSts ??= new STSClient({ ...this.config(), useGlobalEndpoint: false });
    return this.ownRegionalSts;
  }

  /** IAM signed with temporary credentials the factory did not assume itself (a centralized-root session). */
  iamWith(credentials: TemporaryCredentials): IAMClient {
    return new IAMClient(this.config(credentials));
  }

  /** IAM with the gate's own credentials: ListOrganizationsFeatures in the management account. */
  managementIam(): IAMClient {
    if (this.parent !== undefined) return this.parent.managementIam();
    this.ownIam ??= new IAMClient(this.config());
    return this.ownIam;
  }

  roleArn(accountId: string): string {
    return `arn:${this.settings.partition}:iam::${accountId}:role/${this.settings.roleName}`;
  }

  /**
   * Clients in `accountId` under the gate's read-only role. One AssumeRole per account while its
   * session lasts: concurrent callers share the same promise. The session is 900 s
   * (DurationSeconds below), shorter than a `--wait 15m` or longer, so credentials that expire
   * within a minute are replaced by a new AssumeRole instead of failing with ExpiredToken.
   * Throws AwsCallError.
   */
  inAccount(accountId: string, policy: CallPolicy): Promise<AccountClients> {
    const cached = this.assumed.get(accountId);
    if (cached !== undefined && (cached.expiresAtMs === null || cached.expiresAtMs - Date.now() > SESSION_REFRESH_MARGIN_MS)) return cached.clients;
    const entry: { clients: Promise<AccountClients>; expiresAtMs: number | null } = { clients: this.assume(accountId, policy), expiresAtMs: null };
    this.assumed.set(accountId, entry);
    entry.clients.then(
      (c) => {
        entry.expiresAtMs = c.expiresAtMs;
      },
      // A failed assume is not cached: a later call (e.g. a --wait re-check) tries again.
      () => {
        if (this.assumed.get(accountId) === entry) this.assumed.delete(accountId);
      },
    );
    return entry.clients;
  }

  /** Forgets the account's assumed clients (the next inAccount assumes again), so a long run's memory stays flat. */
  release(accountId: string): void {
    this.assumed.delete(accountId);
  }

  private async assume(accountId: string, policy: CallPolicy): Promise<AccountClients> {
    const sts = this.sts();
    const roleArn = this.roleArn(accountId);
    const api = `sts:AssumeRole ${roleArn}`;
    const out = await callAws(api, policy, (abortSignal) =>
      sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: this.settings.sessionName, DurationSeconds: 900 }), { abortSignal }),
    );
    const c = out.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined || c.SessionToken === undefined) {
      throw new AwsCallError("malformed", "NoCredentials", `${api}: the response carried no credentials`);
    }
    const credentials: TemporaryCredentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
    if (c.Expiration !== undefined) credentials.expiration = c.Expiration;
    return new AccountClients(accountId, this.config(credentials));
  }

  /** Closes pooled connections so the process can exit promptly (a sibling only forgets its sessions). */
  destroy(): void {
    this.assumed.clear();
    if (this.parent === undefined) this.handler.destroy();
  }
}

/** Session name that says who is acting in CloudTrail: the gate and the account it checks. */
export function gateSessionName(accountId: string): string {
  return `guardrails-gate-${accountId}`;
}
