import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import type { AuditEntry, TargetAccount, TargetAccountInput } from '../../api/types';
import type { Access } from '../../auth/auth-context';
import type { Gate } from '../../auth/permissions';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { paginationLabels } from '../../common/collection-table';
import { formatDateTime } from '../../common/format';
import { GatedButton } from '../../common/gated-button';
import { EmptyState } from '../../common/table-states';
import type { PagedView } from '../../common/use-paged-infinite';
import { strings } from '../../strings';
import { AccountForm } from './account-form';

const t = strings.settings;

export interface SettingsRootProps {
  access: Access;
  accounts: TargetAccount[];
  accountsLoading: boolean;
  accountsError: unknown;
  adminGate: Gate;
  onSaveAccount: (account: TargetAccountInput, done: () => void) => void;
  saving: boolean;
  saveError: unknown;
  onDeleteAccount: (account: TargetAccount) => void;
  audit: PagedView<AuditEntry>;
}

export function SettingsRoot(props: SettingsRootProps) {
  const { access, accounts, accountsLoading, accountsError, adminGate, audit } = props;
  const [adding, setAdding] = useState(false);
  return (
    <ContentLayout header={<Header variant="h1">{t.title}</Header>}>
      <SpaceBetween size="l">
        <Container header={<Header variant="h2">{t.user}</Header>}>
          <ColumnLayout columns={3} variant="text-grid">
            <div>
              <Box variant="awsui-key-label">{t.user}</Box>
              <div>{access.username}</div>
            </div>
            <div>
              <Box variant="awsui-key-label">{t.role}</Box>
              <div>{access.role}</div>
              <Box variant="small">
                {t.groups}: {access.groups.join(', ') || strings.common.none}
              </Box>
            </div>
            <div>
              <Box variant="awsui-key-label">{t.permissions}</Box>
              <div>{[...access.permissions].join(', ') || strings.common.none}</div>
            </div>
          </ColumnLayout>
        </Container>
        {accountsError ? <ApiErrorAlert error={accountsError} /> : null}
        <Table
          header={
            <Header
              variant="h2"
              counter={`(${accounts.length})`}
              description={t.accountsDescription}
              actions={
                <GatedButton gate={adminGate} onClick={() => setAdding(true)} disabled={adding}>
                  {t.addAccount}
                </GatedButton>
              }
            >
              {t.accounts}
            </Header>
          }
          items={accounts}
          loading={accountsLoading}
          loadingText={strings.common.loading}
          trackBy="accountId"
          ariaLabels={{ tableLabel: t.accounts }}
          empty={<EmptyState title={t.accountsEmpty} />}
          footer={
            adding ? (
              <AccountForm
                saving={props.saving}
                saveError={props.saveError}
                onCancel={() => setAdding(false)}
                onSave={account => props.onSaveAccount(account, () => setAdding(false))}
              />
            ) : undefined
          }
          columnDefinitions={[
            { id: 'id', header: t.accountFields.accountId, cell: a => a.accountId },
            { id: 'name', header: t.accountFields.name, cell: a => a.name },
            { id: 'role', header: t.accountFields.roleArn, cell: a => a.roleArn },
            { id: 'regions', header: t.accountFields.regions, cell: a => a.regions.join(', ') },
            {
              id: 'actions',
              header: '',
              cell: a => (
                <GatedButton
                  gate={adminGate}
                  variant="inline-link"
                  ariaLabel={`${strings.common.remove} ${a.accountId}`}
                  onClick={() => props.onDeleteAccount(a)}
                >
                  {strings.common.remove}
                </GatedButton>
              ),
            },
          ]}
        />
        <Table
          header={<Header variant="h2">{t.audit}</Header>}
          items={audit.items}
          loading={audit.loading}
          loadingText={strings.common.loading}
          trackBy="id"
          ariaLabels={{ tableLabel: t.audit }}
          empty={<EmptyState title={strings.common.noMatch} />}
          pagination={
            <Pagination
              currentPageIndex={audit.pageIndex}
              pagesCount={audit.pagesCount}
              openEnd={audit.openEnd}
              onChange={({ detail }) => audit.setPageIndex(detail.currentPageIndex)}
              ariaLabels={paginationLabels}
            />
          }
          columnDefinitions={[
            { id: 'time', header: t.auditColumns.time, cell: e => formatDateTime(e.at) },
            { id: 'user', header: t.auditColumns.user, cell: e => e.actor },
            {
              id: 'action',
              header: t.auditColumns.action,
              cell: e => `${e.action}${e.outcome && e.outcome !== 'SUCCEEDED' ? ` (${e.outcome})` : ''}`,
            },
            { id: 'resource', header: t.auditColumns.resource, cell: e => `${e.resourceType} ${e.resourceId}` },
          ]}
        />
      </SpaceBetween>
    </ContentLayout>
  );
}
