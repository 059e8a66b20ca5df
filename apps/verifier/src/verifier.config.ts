import { IsString, MinLength } from 'class-validator';
import { ProducerConfig } from '@cep/event-store';

export class VerifierConfig extends ProducerConfig {
  override PORT = 3002;

  /** `target` of the VerificationEvents: the service in which they happen (seed 001: `waltid.mycustomer.verifier1`). */
  @IsString()
  @MinLength(1)
  SESSION_TARGET = 'cep.verifier';
}

export const VERIFIER_SOURCE = 'urn:cep:verifier';
