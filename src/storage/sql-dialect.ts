/** The SQL databases the hub runs on. Code branches on this only where SQL itself differs (row locks, autoincrement). */
export type SqlDialectName = 'sqlite' | 'postgres';
