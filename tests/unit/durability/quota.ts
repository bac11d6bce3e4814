/**
 * A full disk, injected: while `on`, every write to an IndexedDB object store (`add`,
 * `put`) throws the browser's QuotaExceededError, as Chromium does when the origin's
 * quota is exhausted. Reads go on working, as they do then.
 */
export function injectQuota(): { on: boolean; refused: number; restore(): void } {
  const proto = globalThis.IDBObjectStore.prototype;
  // Kept to be called with the store as `this` (apply below), and put back by `restore`.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const { add, put } = proto;
  const state = {
    on: false,
    refused: 0,
    restore() {
      proto.add = add;
      proto.put = put;
    },
  };
  const refuse = () => {
    state.refused += 1;
    throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
  };
  proto.add = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['add']>) {
    if (state.on) refuse();
    return add.apply(this, args);
  };
  proto.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (state.on) refuse();
    return put.apply(this, args);
  };
  return state;
}
