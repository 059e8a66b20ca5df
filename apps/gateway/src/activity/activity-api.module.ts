import { Module } from '@nestjs/common';
import { CredentialActivityController } from './credential-activity.controller';

/** Credential activity chains and stats (read model `activity`, projector apps/activity-projector). */
@Module({ controllers: [CredentialActivityController] })
export class ActivityApiModule {}
