import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'coverage/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Browser code: the web UI and plugin pages (plain ES modules, no bundler).
    files: ['**/ui/**/*.js'],
    languageOptions: {
      globals: {
        window: 'readonly', document: 'readonly', customElements: 'readonly', HTMLElement: 'readonly', localStorage: 'readonly',
        sessionStorage: 'readonly', location: 'readonly', history: 'readonly', navigator: 'readonly', WebSocket: 'readonly',
        Event: 'readonly', CustomEvent: 'readonly', FormData: 'readonly', Blob: 'readonly', confirm: 'readonly', alert: 'readonly',
        requestAnimationFrame: 'readonly', getComputedStyle: 'readonly', KeyboardEvent: 'readonly', URLSearchParams: 'readonly',
        AbortController: 'readonly',
      },
    },
  },
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly', setImmediate: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', performance: 'readonly', structuredClone: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
