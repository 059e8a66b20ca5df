import {
  BackupCreated,
  BackupRestored,
  SessionDid,
  SessionKey,
  WalletProofShared,
  type BackupEventData,
  type DidSessionEventData,
  type KeySessionEventData,
  type WalletProofSharedData,
} from '@cep/contracts';
import { EntityAggregate, NONE, StateMachine, type CommandsOf, type StatesOf } from '@cep/producer-sdk';

/** A presentation the holder made: shared once. */
export const PRESENTATION_MACHINE = new StateMachine('presentation', ['SHARED'] as const, {
  share: { from: [NONE], to: 'SHARED', event: WalletProofShared.type },
});

/** Backups: created once, restored any number of times. */
export const BACKUP_MACHINE = new StateMachine('backup', ['CREATED', 'RESTORED'] as const, {
  create: { from: [NONE], to: 'CREATED', event: BackupCreated.type },
  restore: { from: ['CREATED', 'RESTORED'], to: 'RESTORED', event: BackupRestored.type },
});

/** Wallet keys: KeyEvent-only (Create or Import, then Export / Rotation). */
export const WALLET_KEY_MACHINE = new StateMachine('wallet key', ['ACTIVE'] as const, {
  create: { from: [NONE], to: 'ACTIVE', event: SessionKey.type },
  export: { from: ['ACTIVE'], event: SessionKey.type },
  rotate: { from: ['ACTIVE'], event: SessionKey.type },
});

/** Wallet DIDs: DIDEvent-only (Create, then Update / Resolve). */
export const WALLET_DID_MACHINE = new StateMachine('wallet DID', ['ACTIVE'] as const, {
  create: { from: [NONE], to: 'ACTIVE', event: SessionDid.type },
  update: { from: ['ACTIVE'], event: SessionDid.type },
  resolve: { from: ['ACTIVE'], event: SessionDid.type },
});

type Agg<M, D extends object> = EntityAggregate<StatesOf<M>, CommandsOf<M>, D>;
export const presentationAggregate = (id: string): Agg<typeof PRESENTATION_MACHINE, WalletProofSharedData> =>
  new EntityAggregate(id, PRESENTATION_MACHINE, [WalletProofShared.type]);
export const backupAggregate = (id: string): Agg<typeof BACKUP_MACHINE, BackupEventData> => new EntityAggregate(id, BACKUP_MACHINE, [BackupCreated.type]);
export const walletKeyAggregate = (id: string): Agg<typeof WALLET_KEY_MACHINE, KeySessionEventData> =>
  new EntityAggregate(id, WALLET_KEY_MACHINE, [SessionKey.type]);
export const walletDidAggregate = (id: string): Agg<typeof WALLET_DID_MACHINE, DidSessionEventData> =>
  new EntityAggregate(id, WALLET_DID_MACHINE, [SessionDid.type]);
