import { openTestStore, storeKinds } from './harness.ts';
import { runStoreContract } from './store-contract.ts';

for (const kind of storeKinds()) runStoreContract(kind, { open: () => openTestStore(kind) });
