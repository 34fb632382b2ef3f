import adapter from '@sveltejs/adapter-static'
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte'

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    adapter: adapter({ pages: 'dist/ui', assets: 'dist/ui', fallback: 'index.html', strict: true }),
    outDir: '.svelte-kit',
    files: {
      routes: 'app/routes',
      lib: 'app/lib',
      appTemplate: 'app/app.html',
      assets: 'app/static'
    },
    alias: {
      $model: 'node/model'
    }
  }
}

export default config
