/** Short property builders so each entity reads like its column list. */
// EntitySchema property options are a wide union; builders return them untyped and the schema checks them.
type Prop = any;

export const col = {
  id: (): Prop => ({ type: 'integer', primary: true, autoincrement: true }),
  str: (length = 255, opts: Prop = {}): Prop => ({ type: 'string', length, nullable: true, ...opts }),
  reqStr: (length = 255, opts: Prop = {}): Prop => ({ type: 'string', length, ...opts }),
  text: (opts: Prop = {}): Prop => ({ type: 'text', nullable: true, ...opts }),
  int: (opts: Prop = {}): Prop => ({ type: 'integer', nullable: true, ...opts }),
  /** A reference to another row's id; integrity is checked by the services (see DESIGN-NOTES). */
  ref: (opts: Prop = {}): Prop => ({ type: 'integer', nullable: true, index: true, ...opts }),
  bool: (dflt = false): Prop => ({ type: 'boolean', default: dflt }),
  // Stored as text: MariaDB's JSON is LONGTEXT and mysql2 hands it back unparsed, so MikroORM
  // must do the (de)serialising itself on every driver.
  json: (opts: Prop = {}): Prop => ({ type: 'json', columnType: 'mediumtext', nullable: true, ...opts }),
  date: (opts: Prop = {}): Prop => ({ type: 'datetime', nullable: true, ...opts }),
  created: (): Prop => ({ type: 'datetime', onCreate: () => new Date() }),
  updated: (): Prop => ({ type: 'datetime', onCreate: () => new Date(), onUpdate: () => new Date() }),
};
