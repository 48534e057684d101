import { useEffect } from 'react';

/**
 * A paged list whose rows went away (removed, unblocked, expired) keeps showing a page that exists:
 * after the last rows of the last page are gone, the page that is now last.
 */
export function useLastPageClamp(total: number | undefined, page: number, setPage: (page: number) => void, perPage: number) {
  useEffect(() => {
    if (total !== undefined && page > 1 && (page - 1) * perPage >= total) setPage(Math.max(1, Math.ceil(total / perPage)));
  }, [total, page, setPage, perPage]);
}
