import { defineConfig } from "vite";

// The build lands in internal/ui/dist, which the Go binary embeds. Asset URLs
// are relative so the app works wherever the server mounts it (it is /ui/).
export default defineConfig({
  base: "./",
  build: {
    outDir: "../internal/ui/dist",
    emptyOutDir: true,
    target: "es2022",
    // No inline assets and no source maps: the page's CSP allows only
    // same-origin files, and the binary should not carry maps.
    assetsInlineLimit: 0,
    sourcemap: false,
    modulePreload: { polyfill: false },
  },
});
