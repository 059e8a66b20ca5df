import { foreignOrganisationField, isOrganisationKey } from './tenant';

describe('tenant wall: a request naming another organisation', () => {
  const me = { organisationId: 'org-a' };

  it('recognises the ways of naming an organisation', () => {
    for (const k of ['organisationId', 'organizationId', 'organisation', 'organization', 'orgId', 'org', 'organisation_id', 'ORGANIZATION']) {
      expect(isOrganisationKey(k)).toBe(true);
    }
    for (const k of ['organ', 'organisationName', 'entityId', 'orgs']) expect(isOrganisationKey(k)).toBe(false);
  });

  it('flags another organisation, arrays containing one, and non-string values', () => {
    expect(foreignOrganisationField(me, { organisationId: 'org-b' })).toBe('organisationId');
    expect(foreignOrganisationField(me, { organization: 'org-b' })).toBe('organization');
    expect(foreignOrganisationField(me, { organisationId: ['org-a', 'org-b'] })).toBe('organisationId');
    expect(foreignOrganisationField(me, { org: { $ne: 'x' } })).toBe('org');
    expect(foreignOrganisationField(me, { organisationId: '' })).toBe('organisationId');
  });

  it('lets the caller name its own organisation, and ignores other fields', () => {
    expect(foreignOrganisationField(me, { organisationId: 'org-a', entityId: 'org-b' })).toBeUndefined();
    expect(foreignOrganisationField(me, { organization: ['org-a'] })).toBeUndefined();
    expect(foreignOrganisationField(me, undefined)).toBeUndefined();
    expect(foreignOrganisationField(me, ['org-b'])).toBeUndefined();
  });
});
