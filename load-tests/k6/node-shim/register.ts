// --import this file (after tsx) to run k6 scripts in Node through the shims.
import { register } from 'node:module';

register('./hooks.js', import.meta.url);
