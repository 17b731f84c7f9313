/**
 * Structured logs for the services: one JSON object per line on stderr,
 * {time, level, service, msg, ...fields}. Callers pass ids, counts and codes
 * only; nothing here ever receives plaintext, keys, passwords or tokens, and
 * an Error is reduced to its code and message (KeyholeError messages never
 * carry secrets, by the rule in src/core/errors.ts).
 */
export type Level = 'info' | 'warn' | 'error';
export type Fields = Record<string, string | number | boolean | null>;

export interface JsonLog {
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

export function errorFields(err: unknown): Fields {
  if (err instanceof Error) return { error: err.message, ...('code' in err && typeof err.code === 'string' ? { code: err.code } : {}) };
  return { error: String(err) };
}

export function jsonLog(service: string, write: (line: string) => void = (l) => process.stderr.write(l)): JsonLog {
  const emit = (level: Level, msg: string, fields: Fields = {}): void => write(`${JSON.stringify({ time: new Date().toISOString(), level, service, msg, ...fields })}\n`);
  return { info: (m, f) => emit('info', m, f), warn: (m, f) => emit('warn', m, f), error: (m, f) => emit('error', m, f) };
}
