import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** What a first visit downloads before anything renders: the entry chunk and everything it imports statically. */
const initialBudgetKb = 200;

function initialJavaScriptBudget(): Plugin {
  return {
    name: 'initial-javascript-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = Object.values(bundle).flatMap((o) => (o.type === 'chunk' ? [o] : []));
      const byName = new Map(chunks.map((c) => [c.fileName, c]));
      const initial = new Set<string>();
      const visit = (fileName: string) => {
        if (initial.has(fileName)) return;
        initial.add(fileName);
        for (const imported of byName.get(fileName)?.imports ?? []) visit(imported);
      };
      for (const chunk of chunks) if (chunk.isEntry) visit(chunk.fileName);
      const bytes = [...initial].reduce((sum, f) => sum + gzipSync(byName.get(f)!.code).byteLength, 0);
      const kb = bytes / 1024;
      const lazy = chunks.length - initial.size;
      // Signed in, the console chunk (router, layout, API schemas) follows at once: say what it adds.
      const console = chunks.find((c) => c.facadeModuleId?.endsWith('/src/Console.tsx'));
      const signedIn = new Set(initial);
      const visitFrom = (fileName: string) => {
        if (signedIn.has(fileName)) return;
        signedIn.add(fileName);
        for (const imported of byName.get(fileName)?.imports ?? []) visitFrom(imported);
      };
      if (console) visitFrom(console.fileName);
      const consoleKb =
        [...signedIn]
          .filter((f) => !initial.has(f))
          .reduce((sum, f) => sum + gzipSync(byName.get(f)!.code).byteLength, 0) / 1024;
      process.stdout.write(
        `initial JavaScript: ${kb.toFixed(1)} KB gzip in ${initial.size} chunks (budget ${initialBudgetKb} KB); ` +
          `the signed-in console adds ${consoleKb.toFixed(1)} KB; each page loads on demand (${lazy} chunks in all)\n`,
      );
      if (kb > initialBudgetKb)
        this.error(`initial JavaScript is ${kb.toFixed(1)} KB gzip, over ${initialBudgetKb} KB`);
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), initialJavaScriptBudget()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1024 },
});
