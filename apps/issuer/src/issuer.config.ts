import { IsBoolean, IsInt, IsString, Max, Min, MinLength } from 'class-validator';
import { ProducerConfig } from '@cep/event-store';
import { ToBool, ToInt } from '@cep/platform';

export class IssuerConfig extends ProducerConfig {
  override PORT = 3001;

  /** Days an offer stays claimable when the command does not say (activity seed: 30). */
  @ToInt()
  @IsInt()
  @Min(1)
  @Max(3650)
  OFFER_EXPIRY_DAYS = 30;

  /** How often the scheduler looks for offers past their expiry (ms); 0 disables the scheduler. */
  @ToInt()
  @IsInt()
  @Min(0)
  OFFER_EXPIRY_SCAN_INTERVAL_MS = 60000;

  /** `target` of the session events (IssuanceEvent, KeyEvent, DIDEvent): the service in which they happen. */
  @IsString()
  @MinLength(1)
  SESSION_TARGET = 'cep.issuer';

  /** Consume wallet claims/rejections and accept/reject the offered credential (see docs/producers.md). */
  @ToBool()
  @IsBoolean()
  WALLET_POLICY_ENABLED = true;

  /** Kafka consumer group of the wallet policy. */
  @IsString()
  @MinLength(1)
  WALLET_POLICY_GROUP_ID = 'cep.issuer.wallet-policy';
}

export const ISSUER_SOURCE = 'urn:cep:issuer';
