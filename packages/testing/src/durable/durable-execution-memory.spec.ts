import { MemorySessionStorage } from '../storage/index.js';
import { describeDurableExecution } from './durable-execution-conformance.js';

describeDurableExecution('memory', { open: async () => new MemorySessionStorage() });
