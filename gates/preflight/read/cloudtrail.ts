/**
 * The management account's trails as seen from the Region where IAM delivers its events: DescribeTrails
 * there lists trails homed there plus the shadow copies of multi-Region and organization trails
 * (includeShadowTrails, set explicitly here, defaults to true:
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_DescribeTrails.html); each trail's status
 * and selectors are read in its home Region by ARN.
 */
import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand, type CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { AdvancedFieldSelector, TrailFacts, TrailSelectors } from "../checks/cloudtrail";
import type { Outcome } from "../types";
import { outcomeOf, type Call } from "./call";

function fieldSelector(f: { Field?: string | undefined; Equals?: string[] | undefined; NotEquals?: string[] | undefined; StartsWith?: string[] | undefined; EndsWith?: string[] | undefined; NotStartsWith?: string[] | undefined; NotEndsWith?: string[] | undefined }): AdvancedFieldSelector {
  const other = [f.StartsWith, f.EndsWith, f.NotStartsWith, f.NotEndsWith].some((list) => list !== undefined && list.length > 0);
  return { field: f.Field ?? "", equals: f.Equals ?? null, notEquals: f.NotEquals ?? null, otherOperators: other };
}

export async function readTrails(trailsIn: (region: string) => CloudTrailClient, iamEventRegion: string, call: Call): Promise<Outcome<TrailFacts[]>> {
  const listed = await outcomeOf(async () => {
    const client = trailsIn(iamEventRegion);
    const out = await call("cloudtrail:DescribeTrails", (abortSignal) => client.send(new DescribeTrailsCommand({ includeShadowTrails: true }), { abortSignal }));
    return out.trailList ?? [];
  });
  if (!listed.ok) return listed;
  const facts = await Promise.all(
    listed.value.map(async (t): Promise<TrailFacts> => {
      const arn = t.TrailARN ?? t.Name ?? "";
      const homeRegion = t.HomeRegion ?? iamEventRegion;
      const client = trailsIn(homeRegion);
      const [logging, selectors] = await Promise.all([
        outcomeOf(async () => {
          const s = await call("cloudtrail:GetTrailStatus", (abortSignal) => client.send(new GetTrailStatusCommand({ Name: arn }), { abortSignal }));
          return s.IsLogging === true;
        }),
        outcomeOf(async (): Promise<TrailSelectors> => {
          const s = await call("cloudtrail:GetEventSelectors", (abortSignal) => client.send(new GetEventSelectorsCommand({ TrailName: arn }), { abortSignal }));
          return {
            basic: (s.EventSelectors ?? []).map((e) => ({
              readWriteType: e.ReadWriteType ?? null,
              includeManagementEvents: e.IncludeManagementEvents ?? null,
              excludeManagementEventSources: e.ExcludeManagementEventSources ?? [],
            })),
            advanced: (s.AdvancedEventSelectors ?? []).map((a) => ({ name: a.Name ?? null, fields: (a.FieldSelectors ?? []).map(fieldSelector) })),
          };
        }),
      ]);
      return {
        name: t.Name ?? arn,
        arn,
        homeRegion,
        multiRegion: t.IsMultiRegionTrail === true,
        globalServiceEvents: t.IncludeGlobalServiceEvents === true,
        organization: t.IsOrganizationTrail === true,
        logging,
        selectors,
      };
    }),
  );
  return { ok: true, value: facts };
}
