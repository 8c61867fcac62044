/**
 * A core service made for the plugin that asks for it: `ctx.get` passes the caller's id, so the
 * service can keep each plugin to its own data (the outbox) without trusting an id it is given.
 */
export class PluginBound<T> {
  constructor(readonly forPlugin: (pluginId: string) => T) {}
}
