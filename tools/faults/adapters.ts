import { activityAdapter } from '../../libs/testing/src/faults/adapters/activity.adapter';
import { historyAdapter } from '../../libs/testing/src/faults/adapters/history.adapter';
import { reportsAdapter } from '../../libs/testing/src/faults/adapters/reports.adapter';
import type { ReadModelAdapter } from '../../libs/testing/src/faults/read-model-adapter';

/**
 * Read models under test (FAULTS_PROJECTORS=history,reports limits them). The event-log projector consumes the
 * session topic, which the credential workload does not feed: it has no adapter yet.
 */
const ALL: ReadModelAdapter[] = [historyAdapter, reportsAdapter, activityAdapter];

export const FAULT_ADAPTERS: ReadModelAdapter[] = process.env.FAULTS_PROJECTORS
  ? ALL.filter((a) => process.env.FAULTS_PROJECTORS!.split(',').includes(a.projection.name))
  : ALL;
