import {
  buildEvent,
  CredentialAccepted,
  CredentialCreated,
  CredentialOffered,
  CredentialPending,
  type CredentialCreatedData,
  type CredentialStateChangedData,
  type EventEnvelope,
  type EventMeta,
} from '@cep/contracts';
import { AggregateRoot, DomainError } from '@cep/event-store';

export type CredentialState = 'NONE' | 'CREATED' | 'PENDING' | 'OFFERED' | 'ACCEPTED' | 'REJECTED' | 'REVOKED' | 'SUSPENDED';

export interface CredentialSnapshot {
  state: CredentialState;
  organisationId?: string;
  base?: CredentialCreatedData;
}

/** Credential lifecycle state machine; rebuilt from its events. */
export class CredentialAggregate extends AggregateRoot<CredentialSnapshot> {
  constructor(id: string) {
    super(id, { state: 'NONE' });
  }

  protected evolve(s: CredentialSnapshot, e: EventEnvelope): CredentialSnapshot {
    switch (e.type) {
      case 'credential.created':
        return { state: 'CREATED', organisationId: e.organisationId, base: e.data as CredentialCreatedData };
      case 'credential.pending':
        return { ...s, state: 'PENDING' };
      case 'credential.offered':
        return { ...s, state: 'OFFERED' };
      case 'credential.accepted':
        return { ...s, state: 'ACCEPTED' };
      default:
        return s;
    }
  }

  create(data: CredentialCreatedData, meta: EventMeta): void {
    if (this.state.state !== 'NONE') throw new DomainError('already_exists', `credential ${this.id} already exists`);
    this.record(buildEvent(CredentialCreated, data, meta));
  }

  private stateData(): CredentialStateChangedData {
    const b = this.state.base!;
    const { claims: _claims, offerExpiresAt: _exp, ...rest } = b;
    return rest as CredentialStateChangedData;
  }

  private require(allowed: CredentialState[], action: string): void {
    if (this.state.state === 'NONE') throw new DomainError('not_found', `credential ${this.id} not found`);
    if (!allowed.includes(this.state.state)) {
      throw new DomainError('illegal_transition', `cannot ${action} a credential in state ${this.state.state}`);
    }
  }

  markPending(meta: EventMeta): void {
    this.require(['CREATED'], 'mark pending');
    this.record(buildEvent(CredentialPending, this.stateData(), meta));
  }

  offer(meta: EventMeta): void {
    this.require(['PENDING'], 'offer');
    this.record(buildEvent(CredentialOffered, this.stateData(), meta));
  }

  accept(meta: EventMeta): void {
    this.require(['OFFERED'], 'accept');
    this.record(buildEvent(CredentialAccepted, this.stateData(), meta));
  }
}
