import 'reflect-metadata';
import { bootstrapProducer } from '@cep/event-store';
import { IssuerModule } from './issuer.module';

void bootstrapProducer(IssuerModule, 'issuer');
