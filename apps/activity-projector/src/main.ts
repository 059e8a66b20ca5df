import 'reflect-metadata';
import { activityProjection } from '@cep/activity';
import { bootstrapProjector } from '@cep/messaging';

void bootstrapProjector({ projection: activityProjection, groupId: 'cep.activity-projector' });
