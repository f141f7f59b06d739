import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { EvidenceLink } from '../../api/types';
import { errorMessage } from '../../common/api-error-alert';
import { strings } from '../../strings';

const t = strings.executions.evidence;

/** Asking for the pack: the API produces it once, keeps it, and answers a short-lived link with its digest. */
export interface EvidencePackRequest {
  run: () => void;
  running: boolean;
  link: EvidenceLink | undefined;
  error: unknown;
}

/** The finished run's evidence pack: a button that downloads it, then the file and its SHA-256. */
export function EvidencePack({ finished, pack }: { finished: boolean; pack: EvidencePackRequest }) {
  if (!finished) return null;
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={t.description}
          actions={
            <Button iconName="download" loading={pack.running} onClick={pack.run}>
              {t.download}
            </Button>
          }
        >
          {t.title}
        </Header>
      }
    >
      <SpaceBetween size="s">
        {pack.link ? (
          <KeyValuePairs
            columns={2}
            items={[
              {
                label: t.file,
                value: (
                  <Link href={pack.link.url} target="_blank" rel="noopener">
                    {pack.link.fileName}
                  </Link>
                ),
              },
              {
                label: t.digest,
                value: <Box variant="code">{pack.link.sha256}</Box>,
              },
            ]}
          />
        ) : null}
        {pack.error ? (
          <Alert type="error" header={t.failed}>
            {errorMessage(pack.error)}
          </Alert>
        ) : null}
      </SpaceBetween>
    </Container>
  );
}
