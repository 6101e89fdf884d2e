/**
 * Sizing bigOrganization (test/endpoint) for a benchmark: bigOrganization(m) makes m members plus the management
 * and security-tooling accounts, and suspends every 13th member (listed, then skipped as not ACTIVE).
 */

/** Members such that members + 2 − floor(members / 13) ACTIVE accounts = n (106 for 100, 1,081 for 1,000, 10,831 for 10,000). */
export function membersFor(n: number): number {
  let m = n - 2;
  while (m + 2 - Math.floor(m / 13) < n) m++;
  return m;
}
