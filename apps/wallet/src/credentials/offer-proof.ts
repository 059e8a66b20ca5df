import type { WalletCredentialEventData } from '@cep/contracts';
import { validationFailed } from '@cep/platform';
import { hashPreAuthorizedCode, hashTxCode } from '@cep/producer-sdk';

/** The hashes a wallet event carries to prove the offer (never the codes themselves). */
export interface OfferProof {
  preAuthorizedCodeHash: string;
  txCodeHash?: string;
}

interface CodesGiven {
  preAuthorizedCode?: string;
  txCode?: string;
  offer?: { preAuthorizedCode?: string };
}

/**
 * The proof of the offer for a wallet command, from the codes its caller gave (`preAuthorizedCode`, or the one in
 * `offer`, and `txCode`), else the code hash the wallet kept when it received the offer. Without any, a 400
 * naming `preAuthorizedCode`.
 */
export function offerProof(given: CodesGiven, received: Pick<WalletCredentialEventData, 'preAuthorizedCodeHash'> | undefined): OfferProof {
  const code = given.preAuthorizedCode ?? given.offer?.preAuthorizedCode;
  if (code) return { preAuthorizedCodeHash: hashPreAuthorizedCode(code), ...(given.txCode ? { txCodeHash: hashTxCode(code, given.txCode) } : {}) };
  if (given.txCode) {
    throw validationFailed(
      [{ value: null, msg: 'give the offer\'s preAuthorizedCode with its txCode', param: 'preAuthorizedCode', location: 'body' }],
      'preAuthorizedCode: give the offer\'s preAuthorizedCode with its txCode',
    );
  }
  if (received?.preAuthorizedCodeHash) return { preAuthorizedCodeHash: received.preAuthorizedCodeHash };
  throw validationFailed(
    [{ value: null, msg: 'the offer\'s pre-authorized code is required (OpenID4VCI pre-authorized code flow)', param: 'preAuthorizedCode', location: 'body' }],
    'preAuthorizedCode: the offer\'s pre-authorized code is required',
  );
}

/** An offer as an event payload: without the caller's codes and without any hash the caller wrote. */
export function withoutCodes<T extends { preAuthorizedCode?: string; preAuthorizedCodeHash?: string; txCodeHash?: string }>(
  offer: T,
): Omit<T, 'preAuthorizedCode' | 'preAuthorizedCodeHash' | 'txCodeHash'> {
  const { preAuthorizedCode: _c, preAuthorizedCodeHash: _h, txCodeHash: _t, ...rest } = offer;
  return rest;
}
