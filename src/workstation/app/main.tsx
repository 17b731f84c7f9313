// First import: must run before any module builds a zod schema (see zod-without-eval.ts).
import './zod-without-eval.js';
import { render } from 'preact';
import { App } from './app.js';

render(<App />, document.getElementById('app')!);
