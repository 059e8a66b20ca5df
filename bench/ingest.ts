import 'reflect-metadata';
import { randomUUID } from 'crypto';
import { buildEvent, CredentialAccepted, CredentialCreated, CredentialOffered, CredentialPending, type EventEnvelope } from '@cep/contracts';
import { writeHistoryBatch } from '@cep/history';
import { credentialCreatedData, testDataSource } from '@cep/testing';

async function main() {
  const ds = await testDataSource();
  const org = randomUUID();
  const out: EventEnvelope[] = [];
  for (let i = 0; i < 5000; i++) {
    const created = credentialCreatedData({ claims: [{ name: 'n', value: String(i) }] });
    const { claims: _c, offerExpiresAt: _o, ...state } = created;
    const meta = (k: number) => ({ organisationId: org, correlationId: randomUUID(), source: 'urn:cep:test', time: new Date(Date.now() + i * 4000 + k) });
    out.push(buildEvent(CredentialCreated, created, meta(0)), buildEvent(CredentialPending, state, meta(1)), buildEvent(CredentialOffered, state, meta(2)), buildEvent(CredentialAccepted, state, meta(3)));
  }
  // order as partitions would deliver: grouped by credential is fine
  const B = Number(process.env.B ?? 500);
  const t = Date.now();
  for (let i = 0; i < out.length; i += B) {
    const tx = ds.createQueryRunner(); await tx.connect(); await tx.startTransaction();
    await writeHistoryBatch(tx, out.slice(i, i + B));
    await tx.commitTransaction(); await tx.release();
  }
  console.log('events/s', Math.round(out.length / ((Date.now() - t) / 1000)));
  await ds.destroy();
}
void main();
