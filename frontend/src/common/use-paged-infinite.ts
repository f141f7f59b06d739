import type { InfiniteData, UseInfiniteQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import type { Page } from '../api/types';

export interface PagedView<T> {
  items: T[];
  pageIndex: number;
  pagesCount: number;
  /** More pages exist on the server beyond the loaded ones (Cloudscape's `openEnd`). */
  openEnd: boolean;
  loading: boolean;
  setPageIndex: (index: number) => void;
}

/**
 * Server-side paging over an infinite query: pages are fetched one at a time as the user moves forward
 * (the API's nextToken), and pages already seen are kept. `pageIndex` is 1-based, like Cloudscape's.
 */
export function usePagedInfinite<T>(query: UseInfiniteQueryResult<InfiniteData<Page<T>>>): PagedView<T> {
  const [requested, setRequested] = useState(1);
  const pages = query.data?.pages ?? [];
  const pageIndex = Math.min(requested, Math.max(1, pages.length));
  const current = pages[pageIndex - 1];
  return {
    items: current?.items ?? [],
    pageIndex,
    pagesCount: Math.max(1, pages.length),
    openEnd: query.hasNextPage,
    loading: query.isPending || (requested > pages.length && query.isFetchingNextPage),
    setPageIndex: index => {
      setRequested(index);
      if (index > pages.length && query.hasNextPage && !query.isFetchingNextPage) void query.fetchNextPage();
    },
  };
}
