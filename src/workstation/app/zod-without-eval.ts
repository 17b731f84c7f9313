/**
 * Turns off zod's JIT before any schema is built. On its first z.object, zod
 * probes whether eval works by calling `Function('')`; under this app's CSP
 * (`require-trusted-types-for 'script'`, no 'unsafe-eval', see ../serve.ts)
 * the probe throws, zod swallows it, but the browser still files a Trusted
 * Types violation report for the string-to-code sink. With `jitless` set,
 * zod never reaches the probe and parses by interpretation, so the app makes
 * no attempt at string-to-code at all.
 *
 * zod decides per schema at construction time, so this module must be
 * evaluated before any module that builds one: main.tsx imports it first.
 */
import { z } from 'zod';

z.config({ jitless: true });
