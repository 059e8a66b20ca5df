import 'reflect-metadata';
import { bootstrapProducer } from '@cep/event-store';
import { WalletModule } from './wallet.module';

void bootstrapProducer(WalletModule, 'wallet');
