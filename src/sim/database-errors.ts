/**
 * Why a database file cannot be opened, as classes of the public API. Kept apart from store.ts so
 * that their declarations do not carry better-sqlite3's types to users of the package.
 */

/** The database file is open in another simulator (this process or another one). */
export class DatabaseInUseError extends Error {
  constructor(readonly file: string) {
    super(
      `the database ${file} is in use by another drsim process (one process per database file); stop it or use another --db`,
    );
    this.name = 'DatabaseInUseError';
  }
}

/** The database was written by a newer drsim than this one. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly version: number,
    readonly known: number,
  ) {
    super(
      `the database ${file} has schema version ${version}, written by a newer drsim; this drsim reads schema versions up to ${known}. Upgrade drsim or use another --db`,
    );
    this.name = 'DatabaseTooNewError';
  }
}
