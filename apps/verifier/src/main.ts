import 'reflect-metadata';
import { bootstrapProducer } from '@cep/event-store';
import { VerifierModule } from './verifier.module';

void bootstrapProducer(VerifierModule, 'verifier', {
  title: 'Credential event platform — verifier API',
  description:
    'Commands of the verifying side: proof requests and their outcomes, proof schemas. Each command appends events; the outbox publishes them to Kafka. See docs/producers.md.',
});
