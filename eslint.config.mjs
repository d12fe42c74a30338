// Lint rules, including the layer rule of CONVENTIONS.md: dependencies point inward,
// renderer -> protocol; electron, server, cli -> core -> native, protocol.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const layer = (files, forbidden, message, extra = []) => ({
  files,
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [...forbidden.map((group) => ({ group: [group], message })), ...extra] },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist/**', 'native/build/**', 'node_modules/**', 'bench/out/**', 'renderer/dist/**', 'release/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js', 'bin/*'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', process: 'readonly', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  layer(['protocol/**/*.ts'], ['../*', 'node:*'], 'protocol/ is the innermost layer: no other layer, no Node APIs.'),
  layer(
    ['native/**/*.ts'],
    ['../core/*', '../cli/*', '../server/*', '../electron/*', '../renderer/*'],
    'native/ depends only on protocol/.',
  ),
  layer(
    ['core/**/*.ts'],
    ['../cli/*', '../server/*', '../electron/*', '../renderer/*'],
    'core/ depends only on native/ and protocol/.',
  ),
  layer(
    ['cli/**/*.ts', 'server/**/*.ts', 'electron/**/*.ts'],
    ['../native', '../native/*', '../renderer/*'],
    'hosts reach the engine through core/ only.',
    [
      {
        group: ['../core/cleanup-execute'],
        importNames: ['executeCleanup'],
        message: 'hosts delete through core/audit/audited-deletion (executeAudited), which records every removal.',
      },
    ],
  ),
  layer(
    ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    ['../core/*', '../native', '../native/*', '../cli/*', '../server/*', '../electron/*', 'node:*'],
    'the renderer knows only the contract in protocol/.',
  ),
);
