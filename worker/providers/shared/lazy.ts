/**
 * Creates something once, on first use. The SDKs are loaded with dynamic `import()`
 * inside the factory, so none of them is in the app shell and each is fetched only when
 * its provider is first called.
 */
export function lazy<T>(factory: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => {
    value ??= factory().catch((error: unknown) => {
      value = undefined;
      throw error;
    });
    return value;
  };
}
