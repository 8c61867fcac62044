/**
 * Typed references (Backstage-style): a ref is an id plus a phantom type, so plugin code never
 * looks a service up by string and never casts.
 */
export interface ServiceRef<T> {
  readonly kind: 'service';
  readonly id: string;
  /** Type carrier only; never set. */
  readonly T?: T;
}

export interface ExtensionPoint<T> {
  readonly kind: 'extension-point';
  /** `<pluginId>.<name>`, or `core.<name>` for the core's own points. */
  readonly id: string;
  readonly T?: T;
}

export function createServiceRef<T>(id: string): ServiceRef<T> {
  return { kind: 'service', id };
}

export function createExtensionPoint<T>(id: string): ExtensionPoint<T> {
  return { kind: 'extension-point', id };
}
