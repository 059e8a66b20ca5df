import 'reflect-metadata';
import { bootstrapProducer } from '@cep/event-store';
import { IssuerModule } from './issuer.module';

void bootstrapProducer(IssuerModule, 'issuer', {
  title: 'Credential event platform — issuer API',
  description:
    'Commands of the issuing side: credentials (issue, accept, revoke, suspend, …), credential schemas, keys, DIDs, organisations, trust anchors and entities, bridge providers. Each command appends events to the event store; the outbox publishes them to Kafka. See docs/producers.md.',
});
