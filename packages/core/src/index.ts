/**
 * The core kernel of the Software Factory SDK: ids, time, typed errors, the
 * shared vocabulary, and the event log every other part is folded from.
 *
 * Any new export added here becomes public API. Use named exports, not wildcards.
 *
 * @packageDocumentation
 */

export { abortable, type EitherSignal, eitherSignal } from "./abortable.js";
export { countAppended } from "./appendTally.js";
export {
  type Artifact,
  ArtifactIdSchema,
  ArtifactKindSchema,
  ChangeSetFieldsSchema,
  EVIDENCE_SCHEMAS,
  fingerprintArtifact,
  KNOWN_ARTIFACT_KINDS,
  normaliseText,
  TestEvidenceFieldsSchema,
} from "./assembly/Artifact.js";
export {
  type AssemblyHistory,
  type AssemblyHistoryFolder,
  createHistoryFolder,
  type DeploymentHistory,
  foldAssemblyHistory,
  type IncidentHistory,
  type ItemHistory,
  type SignalAttachment,
  type SignalHistory,
  type SignalResolution,
  type StageVisit,
} from "./assembly/AssemblyHistory.js";
export {
  AssemblyLine,
  type OpenAssemblyLineOptions,
  openAssemblyLine,
  type RecordedArtifact,
  type Trace,
  type WorkItemFilter,
} from "./assembly/AssemblyLine.js";
export {
  type AssemblyLineError,
  AssemblyLineService,
  type AssemblyLineShape,
  type Move,
  makeAssemblyLineShape,
} from "./assembly/AssemblyLineService.js";
export {
  ArtifactRecorded,
  ASSEMBLY_EVENT_TYPES,
  assemblyEvents,
  DeploymentRecorded,
  IncidentOpened,
  IncidentResolved,
  SignalCaptured,
  SignalResolved,
  SignalRouted,
  TraceLinked,
  TraceRestored,
  TraceReviewed,
  WorkAdvanced,
  WorkAssigned,
  WorkBlocked,
  WorkCompleted,
  WorkCreated,
  WorkDropped,
  WorkGateFailed,
  WorkSentBack,
  WorkUnblocked,
  WorkWipOverridden,
} from "./assembly/assemblyEvents.js";
export type { DoraMeasures } from "./assembly/doraMeasures.js";
export type { Gate, GateContext, GateFinding, GateResult } from "./assembly/Gate.js";
export {
  ArtifactFieldsSchema,
  type AssignInput,
  AssignInputSchema,
  type CaptureSignalInput,
  CaptureSignalInputSchema,
  type CaptureSignalOptions,
  CaptureSignalOptionsSchema,
  type CreateWorkItemInput,
  CreateWorkItemInputSchema,
  INPUT_LIMITS,
  type LinkInput,
  LinkInputSchema,
  type MoveOptions,
  MoveOptionsSchema,
  type OpenIncidentInput,
  OpenIncidentInputSchema,
  type ReasonInput,
  ReasonInputSchema,
  type RecordArtifactInput,
  RecordArtifactInputSchema,
  type RecordDeploymentInput,
  RecordDeploymentInputSchema,
  type RecordFactOptions,
  RecordFactOptionsSchema,
  type ResolveIncidentInput,
  ResolveIncidentInputSchema,
  type ReviewInput,
  ReviewInputSchema,
  type SendBackInput,
  SendBackInputSchema,
  type UnblockInput,
  UnblockInputSchema,
} from "./assembly/inputs.js";
export { prototypeKeyIssues } from "./assembly/internal/prototypeKeys.js";
export type { KnownLines, LineDirectory } from "./assembly/LineDirectory.js";
export { type MeasureOptions, MeasureOptionsSchema } from "./assembly/measureOptions.js";
export type { Percentiles } from "./assembly/measureStats.js";
export { type AssemblyMeasures, measureAssembly } from "./assembly/measures.js";
export {
  DEFAULT_PIPELINE,
  DEFAULT_STAGES,
  type PipelineConfig,
  PipelineConfigSchema,
  type PipelineInput,
  type Propagation,
  PropagationSchema,
  parsePipeline,
  type Stage,
  StageNameSchema,
  StageSchema,
  safeParsePipeline,
} from "./assembly/Pipeline.js";
export type { Deployment, DeploymentFilter, Incident, IncidentFilter } from "./assembly/Production.js";
export { type Severity, SeveritySchema, type Signal } from "./assembly/Signal.js";
export {
  LINK_TYPES,
  type LinkType,
  LinkTypeSchema,
  type ReviewVerdict,
  ReviewVerdictSchema,
  type SuspectCause,
  type TraceLink,
  type WalkDirection,
} from "./assembly/TraceLink.js";
export {
  LineIdSchema,
  type ReworkCause,
  ReworkCauseSchema,
  type WorkItem,
  type WorkItemKind,
  WorkItemKindSchema,
  type WorkItemState,
  WorkItemStateSchema,
} from "./assembly/WorkItem.js";
export { type Clock, ClockService, type ManualClock, manualClock, systemClock } from "./Clock.js";
export { canonicalJson, hashJson } from "./canonicalJson.js";
export { aFunction, anObject, checkArguments, withMethods } from "./checkArguments.js";
export {
  type AppendOptions,
  type CloseEventLogOptions,
  DEFAULT_STORE_PATH,
  EventLog,
  type NewEvent,
  type OpenEventLogOptions,
  openEventLog,
  type ReadErrorReport,
  type SubscribeOptions,
  type Subscription,
} from "./EventLog.js";
export {
  type AppendError,
  EventLogService,
  type EventLogShape,
  makeEventLogShape,
} from "./EventLogService.js";
export {
  type DefineEventOptions,
  defineEvent,
  type EventData,
  type EventDefinition,
  EventRegistry,
  type UpcastSteps,
} from "./EventRegistry.js";
export {
  DEFAULT_READ_LIMIT,
  type EventStore,
  type PreparedEvent,
  type ReadQuery,
  type StoreAppendOptions,
  type StoredEvent,
} from "./EventStore.js";
export { EventStoreService } from "./EventStoreService.js";
export { attempt, attemptSync, type ErrorGuard, isKernelError } from "./effectAttempt.js";
export {
  ClosedError,
  ConcurrencyConflictError,
  EventVersionError,
  EvidenceMissingError,
  type FactoryError,
  FolderError,
  formatIssues,
  GateFailedError,
  type GateFailure,
  IdempotencyConflictError,
  IllegalTransitionError,
  isFactoryError,
  NotFoundError,
  ReadOnlyError,
  SchemaVersionError,
  StoreError,
  UnknownEventTypeError,
  ValidationError,
  type ValidationIssue,
  type ValidationSource,
  validationErrorFromZod,
  WipLimitError,
} from "./errors.js";
export { idTimestamp, isId, newId } from "./ids.js";
export {
  DEFAULT_MAX_EVENT_BYTES,
  MAX_EVENT_BYTES_CEILING,
  MaxEventBytesSchema,
} from "./internal/eventSize.js";
export { unstorableTextIssues } from "./internal/unstorableText.js";
export { createMemoryEventStore } from "./MemoryEventStore.js";
export {
  type ChatMessage,
  type ChatReply,
  type ChatRequest,
  ChatRequestSchema,
  type ChatRole,
  ChatRoleSchema,
  ModelAuthError,
  type ModelError,
  ModelNotConfiguredError,
  ModelNotFoundError,
  ModelOutputError,
  type ModelProvider,
  ModelRateLimitError,
  ModelRequestError,
  ModelServerError,
  ModelTimeoutError,
  ModelUnreachableError,
  type ModelUsage,
  parseChatRequest,
  parseStructuredReply,
  type StructuredOutput,
} from "./ModelProvider.js";
export { ModelProviderService } from "./ModelProviderService.js";
export { makeFolders } from "./makeFolders.js";
export { type MigrateLogOptions, type MigrationReport, migrateLog } from "./migrateLog.js";
export { nearNames } from "./nearNames.js";
export { type Projection, type ProjectionOptions, startProjection } from "./Projection.js";
export { inPlainWords } from "./plainWords.js";
export { instantOf, POINT_IN_TIME_EXPECTED, PointInTimeSchema } from "./pointInTime.js";
export {
  type FileContent,
  type ReplaceFileOptions,
  replaceFile,
  replaceFileSync,
} from "./replaceFile.js";
export { type RetryOnConflictOptions, retryOnConflict } from "./retryOnConflict.js";
export {
  type EventEnvelope,
  EventEnvelopeSchema,
  EventTypeSchema,
  type Operator,
  OperatorIdSchema,
  type OperatorRole,
  OperatorRoleSchema,
  OperatorSchema,
} from "./schemas.js";
export { isPostgresUrl, mistypedStoreUrl, redactStore } from "./storeUrl.js";
export { strictInput } from "./strictInput.js";
export {
  cutText,
  decodeText,
  findUnsafeLineCharacter,
  firstSafeLine,
  type NotText,
  toSafeLine,
  type UnsafeLineCharacter,
} from "./text.js";
export { type GitInvocation, type GitSpawnOptions, untrustedGit } from "./untrustedGit.js";
