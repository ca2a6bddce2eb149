import { MemorySessionStorage } from './memory-session-storage.js';
import { describeSessionStorage } from './session-storage-conformance.js';

describeSessionStorage('memory', {
  open: async () => new MemorySessionStorage(),
  openAnother: async (storage) =>
    new MemorySessionStorage({ shareWith: storage as MemorySessionStorage }),
});
