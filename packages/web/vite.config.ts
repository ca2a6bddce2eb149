import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web control room: a static bundle served by `shotline serve` at `/` (see the server's
// webRoot option). Hashed file names under assets/ (cached for a year by the server); each page a
// chunk of its own, loaded when first opened.
export default defineConfig({
  plugins: [react()],
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    sourcemap: true,
    target: 'es2022',
    chunkSizeWarningLimit: 600,
  },
});
