/** The acm SDK: the only module plugins and site modules import. */
export { definePlugin } from './plugin.ts';
export type {
  PluginContext, PluginDefinition, PluginHttp, PluginDb, PluginJobs, PluginCli, CliContext, PluginLifecycle, PluginEvents, PluginAmi, PluginCommit, RouteContext,
  Principal, HttpMethod, WriteActor, ConfigWrite, ConfigChange,
} from './plugin.ts';
export { defineResource } from './resources.ts';
export type { CoreObjectKind, CoreRefs, Resource, ResourceDeclaration, ResourceParent, ResourceParentRef, ResourcePage, ResourceWrite, PluginResources } from './resources.ts';
export { defineManifest, CONTRACT_VERSION } from './manifest.ts';
export type { Manifest, ManifestInput, UiPage } from './manifest.ts';
export { createServiceRef, createExtensionPoint } from './refs.ts';
export type { ServiceRef, ExtensionPoint } from './refs.ts';
export { coreServices } from './core-services.ts';
export { mulberry32 } from './random.ts';
export type {
  LicenseInfo, LicenseService, AuditService, AuditRecord, AuditEntry, KernelInfo, AmiEvent, AmiService, AriService, AriEvent, AriOriginate, AriChannelView, SshService, SshSession, SshFileInfo, ModelService,
  NotifierService, NotifyChannel, NotifySeverity, NotifyMessage, NotifyResult, NotifyTransports, SmtpSettings, SnmpSettings,
  OutboxService, OutboxInput, OutboxEntryView, OutboxMessage, OutboxStatus,
} from './core-services.ts';
export { ACM_ENTERPRISE_OID, hostPort, notifyTargetProblem } from './notify.ts';
export { commitValidators, extensionContexts, extensionDialHooks, tenantPrefix, DEFAULT_TENANT_ID, MARKER_PREFIX } from './commit.ts';
export type {
  ConfigFileDeclaration, ConfigFileEntry, DeployFile, DeployedFile, DeployTargetDeclaration, ConfigRenderer, CommitProblem, CommitValidator, ExtensionDialHook, DialStepsById, ExtensionContextHook, ExtensionContextsById, ClusterSnapshotView, TenantView, SiteView, ClusterView, ServerView, GroupView,
  ExtensionView, TrunkView, AclView, ConfigSection, LoadedStateProbe, ProbeItem, VerifyInput, VerifyFinding, ModuleVerifier,
} from './commit.ts';
export { busSubject, parseSubject, subjectProblem, CORE_BUS_SOURCES } from './bus.ts';
export type { EventBus, BusMessage, BusHandler, BusPlace } from './bus.ts';
export * from './errors.ts';
export { parseInput, zodProblems } from './validation.ts';
export { visibleTo, visibleClusters } from './scope.ts';
export type { Placed } from './scope.ts';
export { z } from 'zod';
export { EntitySchema, raw } from '@mikro-orm/core';
export { SecretType, SecretKeyError } from './secret-column.ts';
export type { EntityManager, FilterQuery, MigrationObject } from '@mikro-orm/core';
export { Migration } from '@mikro-orm/migrations';
export { configText, configTextProblem, confValue, confName, UnsafeConfigValueError } from './config-text.ts';
export { columns } from './entity-columns.ts';
export { ConfWriter, dialplanToken, fileHeader, objectNames, tenantName } from './conf-writer.ts';
export {
  ariAppProblem, ariIdProblem, channelVariableProblem, dialplanPlaceProblem, dialStringProblem, mediaUriProblem,
  callerIdProblem, callerIdSchema, dialNumberProblem, dialNumberSchema, hostProblem, hostSchema, ipProblem, ipSchema, networkProblem,
  networkSchema, parseIp, reservedNameProblem, RESERVED_NAMES, soundNameSchema, truncateUtf8, uriHost, utf8Bytes, utf8Max,
} from './asterisk-syntax.ts';
export type { IpAddress, ReservedKind } from './asterisk-syntax.ts';
