import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'crypto';
import { newEventId, type EventMeta } from '@cep/contracts';
import { EventStore } from '@cep/event-store';
import { Clock } from '@cep/platform';
import { CredentialAggregate } from './credential.aggregate';
import type { IssueCredentialDto } from './issue-credential.dto';

export class IssueCredentialCommand {
  constructor(
    readonly organisationId: string,
    readonly actorProfileId: string,
    readonly dto: IssueCredentialDto,
    readonly correlationId: string = randomUUID(),
  ) {}
}

export const ISSUER_SOURCE = 'urn:cep:issuer';

/** Creates a credential and offers it: CREATED → PENDING → OFFERED, appended atomically with the outbox. */
@CommandHandler(IssueCredentialCommand)
export class IssueCredentialHandler implements ICommandHandler<IssueCredentialCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(cmd: IssueCredentialCommand): Promise<{ credentialId: string; activityId: string; version: number }> {
    const id = cmd.dto.credentialId ?? newEventId();
    const now = this.clock.now();
    const meta: EventMeta = { organisationId: cmd.organisationId, correlationId: cmd.correlationId, source: ISSUER_SOURCE, time: now };
    const agg = new CredentialAggregate(id).loadFromHistory((await this.store.readStream(id)).map((s) => s.event));
    const activityId = newEventId();
    const d = cmd.dto;
    agg.create(
      {
        credentialId: id,
        name: d.schemaName,
        schemaId: d.schemaId,
        schemaName: d.schemaName,
        profile: d.profile,
        credentialType: d.credentialType,
        issuerDid: d.issuerDid,
        activityId,
        actorProfileId: cmd.actorProfileId,
        claims: d.claims,
        recipient: d.recipient,
        boostUri: d.boostUri,
        integrationId: d.integrationId,
        source: d.source ?? 'send',
        offerExpiresAt: new Date(now.getTime() + (d.offerExpiresInDays ?? 30) * 86400000).toISOString(),
      },
      meta,
    );
    agg.markPending(meta);
    agg.offer(meta);
    const version = await this.store.append(id, 'credential', agg.version, agg.pullPendingEvents());
    return { credentialId: id, activityId, version };
  }
}
