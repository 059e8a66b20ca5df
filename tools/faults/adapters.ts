import { historyAdapter } from '../../libs/testing/src/faults/adapters/history.adapter';
import type { ReadModelAdapter } from '../../libs/testing/src/faults/read-model-adapter';

/**
 * Read models under test. Activity, reports and event-log were still being built when the suite was written;
 * add their adapters here (see libs/testing/src/faults/adapters/history.adapter.ts for the shape).
 */
export const FAULT_ADAPTERS: ReadModelAdapter[] = [historyAdapter];
