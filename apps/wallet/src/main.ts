import 'reflect-metadata';
import { bootstrapProducer } from '@cep/event-store';
import { WalletModule } from './wallet.module';

void bootstrapProducer(WalletModule, 'wallet', {
  title: 'Credential event platform — wallet API',
  description:
    'Commands of the holders wallet: receive, claim and reject credentials, share proofs, backups, keys and DIDs. Each command appends events; the outbox publishes them to Kafka. See docs/producers.md.',
});
