/** What to tell the person when the browser's storage fails. */
export function storageMessage(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'QuotaExceededError' || /quota/i.test(String(error))) {
    return 'The browser has no room left for Orchestra’s data. Free some space (Data view) and try again; nothing already saved was lost.';
  }
  const detail = error instanceof Error ? error.message : String(error);
  return `Orchestra could not open its storage in this browser (${detail}). Private windows and some browser settings block it.`;
}
