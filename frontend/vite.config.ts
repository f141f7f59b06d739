import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// One build serves every environment: the API base and Cognito settings come from /config.json at run time.
export default defineConfig({
  plugins: [react()],
  build: {
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
  },
  test: {
    // Pure logic runs in Node; component and hook tests opt into jsdom with a `@vitest-environment jsdom` docblock.
    environment: 'node',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    reporters: ['default', './summary-reporter.ts'],
    css: false,
    testTimeout: 15000,
  },
});
