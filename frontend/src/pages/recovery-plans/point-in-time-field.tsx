import Alert from '@cloudscape-design/components/alert';
import DatePicker from '@cloudscape-design/components/date-picker';
import FormField from '@cloudscape-design/components/form-field';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import TimeInput from '@cloudscape-design/components/time-input';
import { usePlanSnapshots } from '../../api/hooks/recovery-plans';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { formatDateTime } from '../../common/format';
import { strings } from '../../strings';
import { type DataSource, formatGap } from './point-in-time';

const t = strings.executions;

export interface PointInTimeValue {
  source: DataSource;
  date: string;
  time: string;
}

/** "Latest data" or "Point in time" (a UTC date and time), with how the plan's servers are covered then. */
export function PointInTimeField({
  planId,
  value,
  pointInTime,
  problem,
  onChange,
}: {
  planId: string;
  value: PointInTimeValue;
  /** The chosen instant once complete and valid; undefined otherwise. */
  pointInTime: string | undefined;
  /** Why the chosen instant cannot be used (from the dialog or the API). */
  problem: string | undefined;
  onChange: (value: PointInTimeValue) => void;
}) {
  return (
    <SpaceBetween size="s">
      <FormField label={t.source}>
        <RadioGroup
          value={value.source}
          onChange={({ detail }) => onChange({ ...value, source: detail.value as DataSource })}
          items={(['LATEST', 'POINT_IN_TIME'] as const).map(source => ({
            value: source,
            label: t.sources[source],
            description: t.sourceDescriptions[source],
          }))}
        />
      </FormField>
      {value.source === 'POINT_IN_TIME' ? (
        <>
          <FormField label={t.pointInTime} description={t.pointInTimeHelp} errorText={problem}>
            <SpaceBetween direction="horizontal" size="xs">
              <DatePicker
                value={value.date}
                onChange={({ detail }) => onChange({ ...value, date: detail.value })}
                placeholder="YYYY/MM/DD"
                ariaLabel={t.pointInTimeDate}
                openCalendarAriaLabel={selected => `${t.pointInTimeDate}${selected ? `: ${selected}` : ''}`}
              />
              <TimeInput
                value={value.time}
                onChange={({ detail }) => onChange({ ...value, time: detail.value })}
                format="hh:mm:ss"
                placeholder="hh:mm:ss"
                ariaLabel={t.pointInTimeTime}
              />
            </SpaceBetween>
          </FormField>
          {pointInTime && !problem ? <Coverage planId={planId} pointInTime={pointInTime} /> : null}
        </>
      ) : null}
    </SpaceBetween>
  );
}

function Coverage({ planId, pointInTime }: { planId: string; pointInTime: string }) {
  const snapshots = usePlanSnapshots(planId, pointInTime);
  if (snapshots.isPending) return <Spinner variant="normal" aria-label={t.checkingSnapshots} />;
  if (snapshots.error) return <ApiErrorAlert error={snapshots.error} />;
  const coverage = snapshots.data;
  const missing = coverage.serverCount - coverage.serversWithSnapshot;
  return (
    <Alert type={missing > 0 ? 'warning' : 'info'}>
      <SpaceBetween size="xxs">
        <span>
          {t.snapshotCoverage(coverage.serversWithSnapshot, coverage.serverCount, formatDateTime(pointInTime))}
        </span>
        {coverage.oldestGapSeconds !== null && coverage.oldestSnapshotTakenAt ? (
          <span>
            {t.oldestGap(formatGap(coverage.oldestGapSeconds), formatDateTime(coverage.oldestSnapshotTakenAt))}
          </span>
        ) : null}
        {missing > 0 ? <span>{t.missingSnapshots(missing)}</span> : null}
      </SpaceBetween>
    </Alert>
  );
}
