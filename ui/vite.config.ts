// Vite build of the window: relative asset paths (Tauri serves ui/dist), no eval, no CDN.
import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

export default defineConfig({
  base: "./",
  plugins: [vue()],
  define: {
    __VUE_OPTIONS_API__: "false",
    __VUE_PROD_DEVTOOLS__: "false",
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    // Inline nothing as data: URLs beyond what the CSP allows for images; scripts are always files.
    assetsInlineLimit: 0,
  },
  server: { strictPort: true, port: 5173 },
});
