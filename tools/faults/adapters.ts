import { activityAdapter } from '../../libs/testing/src/faults/adapters/activity.adapter';
import { eventLogAdapter } from '../../libs/testing/src/faults/adapters/event-log.adapter';
import { historyAdapter } from '../../libs/testing/src/faults/adapters/history.adapter';
import { reportsAdapter } from '../../libs/testing/src/faults/adapters/reports.adapter';
import type { ReadModelAdapter } from '../../libs/testing/src/faults/read-model-adapter';

/** Read models under test (FAULTS_PROJECTORS=history,reports limits them). */
const ALL: ReadModelAdapter[] = [historyAdapter, reportsAdapter, activityAdapter, eventLogAdapter];

export const FAULT_ADAPTERS: ReadModelAdapter[] = process.env.FAULTS_PROJECTORS
  ? ALL.filter((a) => process.env.FAULTS_PROJECTORS!.split(',').includes(a.projection.name))
  : ALL;
