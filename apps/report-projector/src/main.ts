import 'reflect-metadata';
import { reportProjection } from '@cep/reports';
import { bootstrapProjector } from '@cep/messaging';

void bootstrapProjector({ projection: reportProjection, groupId: 'cep.report-projector' });
