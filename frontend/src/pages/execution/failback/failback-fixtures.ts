import type { ReadinessCheck } from '../../../api/hooks/readiness-checks';
import type { ServerReadiness } from '../../../api/types';

export function serverReadiness(over: Partial<ServerReadiness> = {}): ServerReadiness {
  return {
    sourceServerId: 's-ready',
    verdict: 'READY',
    impact: 'CRITICAL',
    reasons: [],
    replicationState: null,
    lagSeconds: null,
    lastSuccessfulDrillAt: null,
    ...over,
  };
}

/** A COMPLETED failback readiness check of plan rp-1 for recovery ex-rec over the given servers. */
export function failbackCheck(servers: ServerReadiness[]): ReadinessCheck {
  const blocked = servers.some(s => s.verdict === 'BLOCKED');
  return {
    id: 'rc-1',
    planId: 'rp-1',
    mode: 'FAILBACK',
    sourceExecutionId: 'ex-rec',
    status: 'COMPLETED',
    progress: { checkedServers: servers.length, totalServers: servers.length },
    startedAt: '2026-01-01T10:00:00Z',
    completedAt: '2026-01-01T10:00:01Z',
    expiresAt: '2026-01-01T11:00:00Z',
    startedBy: 'admin',
    report: {
      checkedAt: '2026-01-01T10:00:01Z',
      mode: 'FAILBACK',
      verdict: blocked ? 'BLOCKED' : 'READY',
      waves: [
        {
          waveId: 'w-db',
          verdict: blocked ? 'BLOCKED' : 'READY',
          reasons: [],
          quotaFit: { serverCount: servers.length, jobsNeeded: 1, launchRounds: 1, fitsAtOnce: true },
          servers,
        },
      ],
    },
  };
}
