import 'reflect-metadata';
import { eventLogProjection } from '@cep/event-log';
import { bootstrapProjector } from '@cep/messaging';

void bootstrapProjector({ projection: eventLogProjection, groupId: 'cep.event-log-projector' });
