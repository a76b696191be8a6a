// Vite build of the office console: a second page of the same package, served by fieldlog-server
// under /console/ (embedded at compile time, crates/fieldlog-server/build.rs). Hashed asset names,
// so the server may let browsers keep them; no eval, no inline scripts, nothing from a CDN (the
// server's CSP is default-src 'self').
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/console/",
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: "false",
    __VUE_PROD_DEVTOOLS__: "false",
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
  },
  build: {
    outDir: "dist-console",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    assetsInlineLimit: 0,
    rollupOptions: { input: "console.html" },
  },
  // `npm run dev:console` next to `fieldlog-server serve` on its default port.
  server: {
    strictPort: true,
    port: 5174,
    proxy: { "/office": "http://127.0.0.1:8740" },
  },
});
