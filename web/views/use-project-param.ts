import { useSearchParams } from '@solidjs/router';

/** The `?project=` of the current address, for views that show one project. */
export function useProjectParam(): () => string | undefined {
  const [params] = useSearchParams();
  return () => {
    const value = params['project'];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
}
