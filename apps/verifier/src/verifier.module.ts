import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProducerCoreModule } from '@cep/event-store';
import { AggregateStore } from '@cep/producer-sdk';
import { ProofSchemaCommandHandler } from './proof-schemas/proof-schema.commands';
import { ProofSchemaController } from './proof-schemas/proof-schema.controller';
import { ProofCommandHandler } from './proofs/proof.commands';
import { ProofController } from './proofs/proof.controller';
import { VerifierConfig } from './verifier.config';

/** Verifier: proof schemas, proof requests and their verification sessions (VerificationEvent). */
@Module({
  imports: [CqrsModule.forRoot(), ProducerCoreModule.forService({ schema: 'verifier', config: VerifierConfig })],
  controllers: [ProofSchemaController, ProofController],
  providers: [AggregateStore, ProofSchemaCommandHandler, ProofCommandHandler],
})
export class VerifierModule {}
