// Types of vite-plugin-pwa's `virtual:pwa-register` module (src/ui/pwa.ts).
/// <reference types="vite-plugin-pwa/vanillajs" />
