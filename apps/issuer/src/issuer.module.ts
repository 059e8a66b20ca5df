import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProducerCoreModule } from '@cep/event-store';
import { CredentialController } from './credentials/credential.controller';
import { IssueCredentialHandler } from './credentials/issue-credential.handler';

@Module({
  imports: [CqrsModule.forRoot(), ProducerCoreModule.forService({ schema: 'issuer' })],
  controllers: [CredentialController],
  providers: [IssueCredentialHandler],
})
export class IssuerModule {}
