import { ProofSchemaCreated, ProofSchemaDeleted, ProofSchemaShared } from '@cep/contracts';
import { checkAllTransitions } from '@cep/producer-sdk';
import { PROOF_SCHEMA_MACHINE, proofSchemaAggregate } from '../proof-schemas/proof-schema.aggregate';
import { PROOF_MACHINE, ProofAggregate, type ProofCommand } from './proof.aggregate';

const ID = '01890a5d-ac96-774b-bcce-b302099a8057';
const REF = '01890a5d-ac96-774b-bcce-b302099a8058';
const meta = { organisationId: 'org-1', correlationId: 'c', source: 'urn:cep:verifier', time: new Date('2025-03-06T09:14:26.353Z') };
const info = { target: 'waltid.mycustomer.verifier1', originator: null, callId: '9c2f6b21-8d99-4a41-8950-66f5aa4485d2' };
const common = { proofId: ID, name: 'Age check', proofSchemaId: REF, proofSchemaName: 'Age check', verifierDid: { id: REF, did: 'did:web:verifier' }, actorProfileId: 'v' };
const presentation = { credentials: [{ credentialId: REF, schemaId: REF }], claims: [{ name: 'Birthdate', value: '1990-01-01' }] };

function run(a: ProofAggregate, c: ProofCommand): void {
  switch (c) {
    case 'create':
      return a.create(common, { format: 'vc+sd-jwt', credentialType: 'identity_credential', signatureAlgorithm: '' }, meta, info);
    case 'markPending':
      // recorded by create; as a path step after create it is a no-op
      if (a.status === 'PENDING') return;
      return (a as unknown as { guard(c: string): void }).guard(c);
    case 'request':
      return a.request('holder', meta);
    case 'share':
      return a.share(presentation, 'holder', meta);
    case 'accept':
      return a.accept('v', meta, info, 'ES256');
    case 'reject':
      return a.reject('v', 'underage', meta, info);
    case 'retract':
      return a.retract('v', meta, info);
    case 'error':
      return a.error('v', 'signature invalid', meta, info);
    case 'removeClaims':
      return a.removeClaims('v', meta);
  }
}

describe('ProofAggregate', () => {
  it('given each state, when each command, then the table holds (legal → event + state; illegal → 409, nothing recorded)', () => {
    // markPending is recorded by create; CREATED is never a resting state of a stream.
    const failures = checkAllTransitions(PROOF_MACHINE, () => new ProofAggregate(ID), run).filter((f) => !/markPending|given CREATED/.test(f));
    // The two documented refinements of the table: create records created + pending (so it ends in PENDING), and
    // removeClaims also needs claim data (REJECTED / ERRORED reached without a presentation hold none: 409).
    expect(failures).toEqual([
      'given NONE, when create: expected state CREATED, got PENDING',
      `given REJECTED, when removeClaims: expected legal, threw cannot removeClaims of proof ${ID}: it holds no claim data`,
      `given ERRORED, when removeClaims: expected legal, threw cannot removeClaims of proof ${ID}: it holds no claim data`,
    ]);
  });

  it('given a new request, then the session opens exactly in the seed shape (init_session / Open)', () => {
    const a = new ProofAggregate(ID);
    run(a, 'create');
    const events = a.pullPendingEvents();
    expect(events.map((e) => e.type)).toEqual(['proof.created', 'proof.pending', 'session.verification']);
    expect(events[2].data).toEqual({
      originator: null,
      target: 'waltid.mycustomer.verifier1',
      action: { type: 'init_session' },
      status: { type: 'Open' },
      callId: '9c2f6b21-8d99-4a41-8950-66f5aa4485d2',
      error: null,
      sessionId: ID,
      format: 'vc+sd-jwt',
      signatureAlgorithm: '',
      credentialType: 'identity_credential',
    });
  });

  it('given a shared proof, when accepted, then Success with the algorithm; claims go with proof.accepted, then can be removed once', () => {
    const a = new ProofAggregate(ID);
    run(a, 'create');
    run(a, 'share');
    a.pullPendingEvents();
    run(a, 'accept');
    const [accepted, closed] = a.pullPendingEvents();
    expect(accepted.data).toMatchObject(presentation);
    expect(closed.data).toMatchObject({ status: { type: 'Success' }, error: null, signatureAlgorithm: 'ES256' });
    run(a, 'removeClaims');
    const [removed] = a.pullPendingEvents();
    expect(removed.type).toBe('proof.claims-removed');
    expect(removed.data).not.toHaveProperty('claims');
    expect(() => run(a, 'removeClaims')).toThrow(/holds no claim data/);
  });

  it('given a request, when retracted or errored, then Failure with the error', () => {
    for (const c of ['retract', 'error'] as const) {
      const a = new ProofAggregate(ID);
      run(a, 'create');
      a.pullPendingEvents();
      run(a, c);
      expect(a.pullPendingEvents()[1].data).toMatchObject({ status: { type: 'Failure' }, error: c === 'retract' ? 'retracted by the verifier' : 'signature invalid' });
    }
  });

  it('proof schema: given each state, when each command, then the table holds', () => {
    const actor = { actorProfileId: 'v' };
    expect(
      checkAllTransitions(PROOF_SCHEMA_MACHINE, () => proofSchemaAggregate(ID), (a, c) => {
        if (c === 'create') a.execute('create', ProofSchemaCreated, { proofSchemaId: ID, name: 'Age', credentialSchemaIds: [REF], claimNames: ['Birthdate'], ...actor }, meta);
        else if (c === 'share') a.execute('share', ProofSchemaShared, actor, meta);
        else a.execute('delete', ProofSchemaDeleted, actor, meta);
      }),
    ).toEqual([]);
  });
});
