import { IsString, MinLength } from 'class-validator';
import { ProducerConfig } from '@cep/event-store';

export class WalletConfig extends ProducerConfig {
  override PORT = 3003;

  /** `target` of the wallet's session events (wallet events, KeyEvent, DIDEvent). */
  @IsString()
  @MinLength(1)
  SESSION_TARGET = 'cep.wallet';
}

export const WALLET_SOURCE = 'urn:cep:wallet';
