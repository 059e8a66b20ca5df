import { IsIn, IsString, MinLength, Validate, ValidatorConstraint, type ValidationArguments, type ValidatorConstraintInterface } from 'class-validator';

export const DEV_REPORTS_CURSOR_SECRET = 'cep-dev-reports-cursor-secret-0123456789';

@ValidatorConstraint({ name: 'notDevCursorSecretInProduction' })
class NotDevCursorSecretInProduction implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return (args.object as ReportsApiConfig).NODE_ENV !== 'production' || value !== DEV_REPORTS_CURSOR_SECRET;
  }
  defaultMessage(): string {
    return 'REPORTS_CURSOR_SECRET is the public dev default; set a secret of your own when NODE_ENV=production';
  }
}

/** Settings of the reports API (environment variables), validated at gateway startup. */
export class ReportsApiConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  /** HMAC key that signs pagination cursors (≥ 32 characters; the dev default is refused in production). */
  @IsString()
  @MinLength(32)
  @Validate(NotDevCursorSecretInProduction)
  REPORTS_CURSOR_SECRET = DEV_REPORTS_CURSOR_SECRET;
}
