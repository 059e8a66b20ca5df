import 'reflect-metadata';
import { bootstrapProducer } from '@cep/event-store';
import { VerifierModule } from './verifier.module';

void bootstrapProducer(VerifierModule, 'verifier');
