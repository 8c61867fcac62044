import { createExtensionPoint } from './refs.ts';

/**
 * The commit contract. Every config file acm renders — the core's and the plugins' — is one
 * entry of a registry, declared up front during setup (`ctx.commit.file`): its name under acm's
 * include dir, the module to reload, the main file that must include it, the renderer that turns
 * a read-only, fully loaded view of one cluster into its text, and how to verify it after reload.
 * A site module may replace the renderer of one declared file (`ctx.commit.replaceRenderer`).
 *
 * Every value a renderer writes must go through `confValue`/`confName` (sdk/config-text.ts).
 */

export interface TenantView {
  readonly id: number; readonly name: string; readonly description?: string | null; readonly dialPrefix?: string | null;
}
export interface SiteView {
  readonly id: number; readonly tenantId: number; readonly name: string; readonly description?: string | null;
  readonly timezone?: string | null;
}
export interface ClusterView {
  readonly id: number; readonly tenantId: number; readonly siteId: number; readonly name: string;
  readonly description?: string | null; readonly vip?: string | null; readonly asteriskConfigDir?: string | null;
  /** Address acm's PJSIP transports bind to (unset: 0.0.0.0). */
  readonly sipBindAddress?: string | null;
}
/** A server as plugins see it: no SSH/AMI/ARI credentials. */
export interface ServerView {
  readonly id: number; readonly tenantId: number; readonly siteId: number; readonly clusterId: number;
  readonly name: string; readonly host: string; readonly role?: string | null; readonly sipPort?: number | null;
  readonly enabled: boolean;
}
export interface GroupView {
  readonly id: number; readonly tenantId: number; readonly name: string; readonly description?: string | null;
  readonly context?: string | null; readonly rights?: readonly string[] | null; readonly templateExtensionId?: number | null;
}
/** The extension: the seed's 66 fields (`extension` is the number). */
export interface ExtensionView {
  readonly id: number; readonly tenantId: number; readonly siteId: number; readonly clusterId: number;
  readonly groupId?: number | null; readonly name: string; readonly extension: string;
  readonly callerId?: string | null; readonly defaultUser?: string | null; readonly authUser?: string | null;
  readonly secret?: string | null; readonly mailbox?: string | null; readonly vmSecret?: string | null;
  readonly accountCode?: string | null; readonly context?: string | null; readonly amaFlags?: string | null;
  readonly callGroup?: string | null; readonly canReinvite?: string | null; readonly defaultIp?: string | null;
  readonly dtmfMode?: string | null; readonly fromUser?: string | null; readonly fromDomain?: string | null;
  readonly fullContact?: string | null; readonly host?: string | null; readonly insecure?: string | null;
  readonly language?: string | null; readonly md5Secret?: string | null; readonly nat?: string | null;
  readonly acl?: string | null; readonly deny?: string | null; readonly permit?: string | null; readonly mask?: string | null;
  readonly pickupGroup?: string | null; readonly port?: string | null; readonly qualify?: string | null;
  readonly restrictCid?: string | null; readonly rtpTimeout?: string | null; readonly rtpHoldTimeout?: string | null;
  readonly type?: string | null; readonly disallow?: string | null; readonly allow?: string | null;
  readonly musicOnHold?: string | null; readonly regSeconds?: number | null; readonly ipAddr?: string | null;
  readonly canCallForward?: string | null; readonly callLimit?: number | null; readonly lastMs?: number | null;
  readonly userAgent?: string | null; readonly regServer?: string | null; readonly phoneProv?: string | null;
  readonly phoneMac?: string | null; readonly profile?: string | null; readonly protocol?: string | null;
  readonly encryption?: string | null; readonly fallback?: string | null; readonly extStatus?: number | null;
  readonly agentStatus?: string | null; readonly queue?: string | null; readonly callsDin?: number | null;
  readonly callsQin?: number | null; readonly callsOut?: number | null; readonly vmUnread?: number | null;
  readonly vmOld?: number | null; readonly cfwdSet?: string | null; readonly cfwdTo?: string | null;
  readonly callbackExtension?: string | null; readonly directory?: string | null;
}
export interface TrunkView {
  readonly id: number; readonly tenantId: number; readonly siteId: number; readonly clusterId: number;
  readonly name: string; readonly host?: string | null; readonly port?: number | null; readonly transport?: string | null;
  readonly username?: string | null; readonly secret?: string | null; readonly fromDomain?: string | null;
  readonly fromUser?: string | null; readonly register: boolean; readonly codecs?: string | null;
  readonly acl?: string | null; readonly context?: string | null; readonly maxChannels?: number | null;
  readonly dialPrefix?: string | null; readonly outboundPatterns?: readonly string[] | null; readonly qualify: boolean;
  readonly registrationStatus?: string | null;
}
export interface AclView {
  readonly id: number; readonly tenantId: number; readonly name: string; readonly description?: string | null;
  readonly rules: readonly { readonly action: 'permit' | 'deny'; readonly network: string }[];
}

/** One cluster, fully loaded: groups and ACLs of the whole tenant, the rest of the cluster only. */
export interface ClusterSnapshotView {
  readonly tenant: TenantView;
  readonly site: SiteView;
  readonly cluster: ClusterView;
  readonly servers: readonly ServerView[];
  readonly groups: readonly GroupView[];
  readonly extensions: readonly ExtensionView[];
  readonly trunks: readonly TrunkView[];
  readonly acls: readonly AclView[];
}

/** Turns one cluster into a file's text ('' when there is nothing: the file is written anyway). */
export type ConfigRenderer = (snapshot: ClusterSnapshotView) => string | Promise<string>;

/** One file acm renders for every cluster at every commit (`ctx.commit.file`). */
export interface ConfigFileDeclaration {
  /** Path relative to the Asterisk config dir, always in acm's include dir: `acm/<plain name>.conf`. */
  name: string;
  /** Asterisk module to reload when the file changed, e.g. `app_confbridge.so`. */
  reload: string;
  /** The site's main file that must `#tryinclude` this one (e.g. `confbridge.conf`); listed by `acm includes`. */
  includeFrom: string;
  render: ConfigRenderer;
  /**
   * Proof that a server loaded the files `reload` reloads. Leave it out when another file of the
   * module brings one (the core verifies `pbx_config.so`, `res_pjsip.so` …): a module has one
   * verifier, and a file whose module has none is refused before anything is pushed.
   */
  verify?: ModuleVerifier;
  /** One line `acm includes` shows above the include (what the site must remove from its main file). */
  note?: string;
}

/**
 * One file of a deploy target for one server: a system file outside Asterisk's config dir
 * (keepalived.conf, a provisioning file). It goes through the commit like a config file: in the
 * revision (the backup), in the diff, pushed only when changed, rolled back with the rest.
 */
export interface DeployFile {
  /** A server of the cluster rendered (`snapshot.servers`). */
  serverId: number;
  /** Absolute path on the server, normalised (no `..`, no `//`), one file per path and server. */
  path: string;
  /**
   * Text (UTF-8, no NUL), or bytes for a binary file (an audio prompt): stored once per content,
   * pushed and hashed byte for byte, and shown in diffs and revision views as
   * `binary file, <n> bytes, sha256 <hex>`, never as its bytes.
   */
  content: string | Uint8Array;
  /**
   * Values inside `content` never shown: diffs and revision views print `********` instead, and
   * the revision keeps the whole file sealed at rest. The server gets the complete file. Text
   * files only: a binary file with secrets is refused (nothing in it could be masked).
   */
  secrets?: readonly string[];
}

/** A file of a target as a server holds it after a push. */
export interface DeployedFile { readonly path: string; readonly sha256: string }

/**
 * Files a plugin pushes per server at every commit, with how the server takes them
 * (`ctx.commit.target`). `reload` runs on a server only when one of its files there changed;
 * `verify` runs after it (and again after a rollback). Either throwing, or `verify` answering
 * findings, fails the commit: every server is put back on its previous files.
 */
export interface DeployTargetDeclaration {
  /** Plain name, unique in the plugin (`keepalived`); the target is `<plugin>.<name>`. */
  name: string;
  /** Every file of the target for every server of the cluster that gets any. */
  render(snapshot: ClusterSnapshotView): readonly DeployFile[] | Promise<readonly DeployFile[]>;
  /** Makes the server take the new files (e.g. `systemctl reload-or-restart keepalived` over the core's SSH service). */
  reload(server: ServerView, files: readonly DeployedFile[]): Promise<void>;
  /** Proof the server runs `files`: what is wrong (empty: fine). */
  verify?(server: ServerView, files: readonly DeployedFile[]): Promise<VerifyFinding[]>;
  /**
   * Files it no longer renders are deleted from their server at the next commit (a deleted
   * prompt, a retired key). Off by default: a keepalived.conf a half-edited HA group stops
   * rendering must stay, or the node would lose its VIPs.
   */
  prune?: boolean;
}

/** A declared file as the registry lists it (`acm includes`). */
export interface ConfigFileEntry {
  readonly name: string;
  readonly reload: string;
  readonly includeFrom: string;
  /** `core`, or the id of the plugin that declared the file. */
  readonly owner: string;
  /** Who renders it: the owner, or the site module that replaced its renderer. */
  readonly renderedBy: string;
  /** Who verifies its module after reload (`core` or a plugin id); null: nobody, the file cannot be pushed. */
  readonly verifiedBy: string | null;
  readonly note?: string;
}

/** Names of acm's per-revision marker objects (`acm-mark-<12 hex of the file's sha256 before the marker>`). */
export const MARKER_PREFIX = 'acm-mark-';

/** One section of a rendered file, its template options merged in; templates (`(!)`) are not listed. */
export interface ConfigSection {
  readonly name: string;
  /** File it comes from, e.g. `acm/confbridge.conf`. */
  readonly file: string;
  /** `key = value` / `key => value` lines in order, inherited ones first. */
  readonly lines: readonly (readonly [key: string, value: string])[];
}

/** An AMI list item or response: header lookup by name. */
export interface ProbeItem { get(name: string): string | undefined }

/** Read-only questions a verifier may ask one server (over its AMI connection). */
export interface LoadedStateProbe {
  readonly server: string;
  /** A CLI command's output lines; a command Asterisk refuses answers its error text as lines. */
  command(cli: string): Promise<string[]>;
  /** An AMI list action's items; `emptyOnError` messages mean "none". */
  list(action: string, headers?: Record<string, string>, opts?: { emptyOnError?: readonly string[] }): Promise<ProbeItem[]>;
}

export interface VerifyInput {
  probe: LoadedStateProbe;
  /** Sections of the module's files that must now be loaded (markers included). */
  expected: readonly ConfigSection[];
  /** Sections of the module's files the server ran before (empty if unknown): removed ones must be gone. */
  previous: readonly ConfigSection[];
}

/** What a verifier found wrong. `restartRequired`: loaded as far as a reload can, the rest needs an Asterisk restart. */
export interface VerifyFinding {
  object: string;
  message: string;
  restartRequired?: boolean;
}

export interface ModuleVerifier {
  verify(input: VerifyInput): Promise<VerifyFinding[]>;
}

/** A problem a plugin finds in a cluster before it is pushed. `error` blocks the commit; `warning` does not. */
export interface CommitProblem {
  object: string;
  field?: string;
  message: string;
  severity: 'error' | 'warning';
}

export interface CommitValidator {
  validate(snapshot: ClusterSnapshotView): CommitProblem[] | Promise<CommitProblem[]>;
}

/** Plugin checks run at every commit, after the core's own validation. */
export const commitValidators = createExtensionPoint<CommitValidator>('core.commitValidators');

/**
 * What a plugin adds to how the core's dialplan rings an extension (hot desk: the phone a user
 * logged in at; roaming: another site when the local phone is offline); the core owns
 * `exten => 6109,1,Dial(…)`. For an extension with `steps` the core renders
 * `Set(ACM_DIAL=PJSIP/<endpoint>)`, the steps of every hook (by key), then `Dial(${ACM_DIAL},…)`;
 * a step may change `ACM_DIAL`. `unavailable` steps run after the Dial when it found no device
 * (`DIALSTATUS` CHANUNAVAIL or CONGESTION), before the voicemail. A step is one application call
 * `App(args)`: no label, no `;`, no line break (anything else refuses the commit, naming the hook).
 * Values a step reads at run time (AstDB, channel variables) go through FILTER(). A forwarded
 * extension rings its forward target and takes no steps.
 */
export interface ExtensionDialHook {
  /** Steps before the Dial, per extension id of the cluster (extensions left out ring as before). */
  steps?(snapshot: ClusterSnapshotView): DialStepsById | Promise<DialStepsById>;
  /** Steps when the Dial found no device, per extension id. */
  unavailable?(snapshot: ClusterSnapshotView): DialStepsById | Promise<DialStepsById>;
}
export type DialStepsById = ReadonlyMap<number, readonly string[]>;

/** `ctx.extend(extensionDialHooks, '<plugin>.<name>', hook)`. */
export const extensionDialHooks = createExtensionPoint<ExtensionDialHook>('core.extensionDial');

/**
 * The context an extension's endpoint calls from (pjsip `context`), given by a plugin instead of
 * the core's (the extension's own, its group's, or internal): hot desk gives its phones a context
 * of its own, which the plugin renders in a file of its own. Per extension id of the cluster; a
 * context is a plain name (letters, digits, `_`, `-`; the plugin adds the tenant prefix) and one
 * extension takes one hook's context: anything else, or a hook that throws, refuses the commit,
 * naming the hook. The context must exist in the plugin's dialplan, or the phone calls nowhere.
 */
export interface ExtensionContextHook {
  contexts(snapshot: ClusterSnapshotView): ExtensionContextsById | Promise<ExtensionContextsById>;
}
export type ExtensionContextsById = ReadonlyMap<number, string>;

/** `ctx.extend(extensionContexts, '<plugin>.<name>', hook)`. */
export const extensionContexts = createExtensionPoint<ExtensionContextHook>('core.extensionContext');

/** The default tenant (an enterprise install) keeps plain object and context names. */
export const DEFAULT_TENANT_ID = 1;

/**
 * The prefix of every object and context name of a tenant: none for the default tenant,
 * `t<id>-` for the others, so hosted tenants' dialplans never meet.
 */
export function tenantPrefix(tenant: { readonly id: number }): string {
  return tenant.id === DEFAULT_TENANT_ID ? '' : `t${tenant.id}-`;
}
