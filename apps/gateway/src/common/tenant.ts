import { ForbiddenException } from '@nestjs/common';
import type { Principal } from '@cep/auth';

/**
 * The tenant comes from the token only. A request that names another organisation
 * (`organisationId`, `organization`) is refused with 403, never silently filtered.
 */
export function assertSameOrganisation(p: Principal, ...named: (string | undefined | null)[]): void {
  for (const n of named) {
    if (n !== undefined && n !== null && n !== p.organisationId) {
      throw new ForbiddenException('the organisation named in the request is not the caller\'s organisation');
    }
  }
}
