import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useDeferredValue, useState } from 'react';
import { useSourceServers } from '../../api/hooks/drs';
import type { TagSelector } from '../../api/types';
import { ApiErrorAlert } from '../../common/api-error-alert';
import { EmptyState } from '../../common/table-states';
import { strings } from '../../strings';
import { exactTags, matchesSelector, rowsToSelector, selectorToRows, type TagRow } from '../protection-groups/tags';
import { inventoryColumns } from './server-picker';

const t = strings.groups;

export interface TagSelectorEditorProps {
  accountId: string;
  region: string;
  selector: TagSelector;
  onChange: (selector: TagSelector) => void;
  errorText: string | undefined;
}

/** Tag selector rows with a live preview of the servers it matches (asked of the API, so all pages count). */
export function TagSelectorEditor({ accountId, region, selector, onChange, errorText }: TagSelectorEditorProps) {
  const [rows, setRows] = useState<TagRow[]>(() => selectorToRows(selector));
  const update = (next: TagRow[]) => {
    setRows(next);
    onChange(rowsToSelector(next));
  };
  const previewSelector = useDeferredValue(selector);
  const hasTags = Object.keys(previewSelector).length > 0;
  // The API filters on exact tags; keys with several accepted values are matched here.
  const preview = useSourceServers(
    { accountId, region, tags: exactTags(previewSelector) },
    hasTags && accountId !== '' && region !== '',
  );
  const matched = (preview.data?.pages.flatMap(p => p.items) ?? []).filter(s =>
    matchesSelector(s.tags, previewSelector),
  );

  return (
    <Container
      header={
        <Header variant="h2" description={t.fields.tagSelectorDescription}>
          {t.fields.tagSelector}
        </Header>
      }
    >
      <SpaceBetween size="m">
        <FormField errorText={errorText} stretch>
          <SpaceBetween size="xs">
            {rows.map((row, index) => (
              <SpaceBetween key={index} direction="horizontal" size="xs">
                <Input
                  ariaLabel={`${t.fields.tagKey} ${index + 1}`}
                  placeholder={t.fields.tagKey}
                  value={row.key}
                  onChange={({ detail }) => update(rows.map((r, i) => (i === index ? { ...r, key: detail.value } : r)))}
                />
                <Input
                  ariaLabel={`${t.fields.tagValues} ${index + 1}`}
                  placeholder={t.fields.tagValues}
                  value={row.values}
                  onChange={({ detail }) =>
                    update(rows.map((r, i) => (i === index ? { ...r, values: detail.value } : r)))
                  }
                />
                <Button
                  formAction="none"
                  iconName="remove"
                  ariaLabel={`${strings.common.remove} ${index + 1}`}
                  onClick={() => update(rows.filter((_, i) => i !== index))}
                />
              </SpaceBetween>
            ))}
            <Button formAction="none" iconName="add-plus" onClick={() => update([...rows, { key: '', values: '' }])}>
              {t.fields.addTag}
            </Button>
          </SpaceBetween>
        </FormField>
        {preview.error ? <ApiErrorAlert error={preview.error} /> : null}
        <Table
          variant="embedded"
          header={
            <Header variant="h3" counter={hasTags ? `(${matched.length}${preview.hasNextPage ? '+' : ''})` : undefined}>
              {t.preview}
            </Header>
          }
          items={hasTags ? matched : []}
          loading={hasTags && preview.isFetching}
          loadingText={strings.common.loading}
          trackBy="sourceServerId"
          ariaLabels={{ tableLabel: t.preview }}
          empty={<EmptyState title={hasTags ? t.previewEmpty : t.noTags} />}
          columnDefinitions={inventoryColumns}
          footer={
            preview.hasNextPage ? (
              <Button
                formAction="none"
                onClick={() => void preview.fetchNextPage()}
                loading={preview.isFetchingNextPage}
              >
                {t.loadMore}
              </Button>
            ) : undefined
          }
        />
      </SpaceBetween>
    </Container>
  );
}
