import { useEffect, useState } from 'react';

/**
 * Whether this gateway offers the development helpers (token minting, the explorer): it answers
 * GET /dev/token only outside production.
 */
export function useDevTools(): boolean {
  const [available, setAvailable] = useState(false);
  useEffect(() => {
    let live = true;
    fetch('/dev/token', { credentials: 'omit', cache: 'no-store' })
      .then((res) => live && setAvailable(res.ok))
      .catch(() => live && setAvailable(false));
    return () => {
      live = false;
    };
  }, []);
  return available;
}
