import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProducerCoreModule } from '@cep/event-store';
import { AggregateStore } from '@cep/producer-sdk';
import { ProviderCommandHandler } from './bridge/provider.commands';
import { ProviderController } from './bridge/provider.controller';
import { ChangeCredentialSchemaHandler, CreateCredentialSchemaHandler } from './credential-schemas/credential-schema.commands';
import { CredentialSchemaController } from './credential-schemas/credential-schema.controller';
import { ChangeCredentialStateHandler } from './credentials/change-credential-state.handler';
import { CredentialController } from './credentials/credential.controller';
import { IssueCredentialHandler } from './credentials/issue-credential.handler';
import { OfferExpiryScheduler } from './credentials/offer-expiry.scheduler';
import { OfferCodeStore } from './credentials/offer-code.store';
import { WalletClaimPolicy } from './credentials/wallet-claim.policy';
import { IdentityCommandHandler } from './identity/identity.commands';
import { IdentityController } from './identity/identity.controller';
import { IssuerConfig } from './issuer.config';

/** Issuer: credential schemas, credentials (issuance, lifecycle, offer expiry, wallet claims), identity, Bridge. */
@Module({
  imports: [CqrsModule.forRoot(), ProducerCoreModule.forService({ schema: 'issuer', config: IssuerConfig })],
  controllers: [CredentialSchemaController, CredentialController, IdentityController, ProviderController],
  providers: [
    AggregateStore,
    CreateCredentialSchemaHandler,
    ChangeCredentialSchemaHandler,
    IssueCredentialHandler,
    ChangeCredentialStateHandler,
    IdentityCommandHandler,
    ProviderCommandHandler,
    OfferExpiryScheduler,
    OfferCodeStore,
    WalletClaimPolicy,
  ],
})
export class IssuerModule {}
