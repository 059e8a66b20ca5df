import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProducerCoreModule } from '@cep/event-store';
import { AggregateStore } from '@cep/producer-sdk';
import { WalletCommandHandler } from './wallet.commands';
import { WalletConfig } from './wallet.config';
import { WalletController } from './wallet.controller';

/** Wallet (holder side): receive / claim / reject credentials, present proofs, backups, wallet keys and DIDs. */
@Module({
  imports: [CqrsModule.forRoot(), ProducerCoreModule.forService({ schema: 'wallet', config: WalletConfig })],
  controllers: [WalletController],
  providers: [AggregateStore, WalletCommandHandler],
})
export class WalletModule {}
