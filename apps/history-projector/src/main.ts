import 'reflect-metadata';
import { historyProjection } from '@cep/history';
import { bootstrapProjector } from '@cep/messaging';

void bootstrapProjector({ projection: historyProjection, groupId: 'cep.history-projector' });
