// Flat ESLint config. The Nx module-boundary rule enforces the architecture:
//  - producers (type:producer) may use contracts, messaging, event-store, platform, auth, producer-sdk;
//  - projectors and the gateway (type:projector, type:gateway) may use contracts, messaging, platform, auth and read-model libs;
//  - the gateway never imports producer libs (event-store, producer-sdk); producers never import read-model libs;
//  - the analyst console (type:console, a browser app) imports no workspace lib at all: it talks to the gateway's
//    public API only, through the types generated from its OpenAPI document (apps/console/src/api).
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.cache/**', 'coverage/**', '.nx/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          enforceBuildableLibDependency: false,
          depConstraints: [
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'type:producer', onlyDependOnLibsWithTags: ['scope:shared', 'scope:producer'] },
            { sourceTag: 'scope:producer', onlyDependOnLibsWithTags: ['scope:shared', 'scope:producer'] },
            { sourceTag: 'type:projector', onlyDependOnLibsWithTags: ['scope:shared', 'scope:read-model'] },
            { sourceTag: 'type:gateway', onlyDependOnLibsWithTags: ['scope:shared', 'scope:read-model'] },
            { sourceTag: 'scope:read-model', onlyDependOnLibsWithTags: ['scope:shared', 'scope:read-model'] },
            { sourceTag: 'type:console', onlyDependOnLibsWithTags: ['scope:client'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['scope:shared', 'scope:read-model', 'scope:producer', 'type:testing'] }
          ]
        }
      ]
    }
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  {
    // Tests and test infrastructure may reach everything (libs/testing starts apps and seeds read models).
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**/*.ts', 'tools/**/*.ts', 'bench/**/*.ts', 'apps/console/e2e/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': 'off' }
  }
];
