export {
  type Automation,
  type AutomationContext,
  type AutomationFilterContext,
  defineAutomation,
  type ExclusivePolicy,
  type Notification,
  type RetryPolicy,
} from "./Automation.js";
export {
  type AutomationFailure,
  type AutomationFailures,
  type AutomationFailuresPage,
  automationNames,
  type FailedHandling,
  readAutomationFailures,
} from "./automationFailures.js";
export type { AutomationUse } from "./automationUsage.js";
export {
  type AutoRouteThreshold,
  type BuiltinAutomationServices,
  type BuiltinAutomationsOptions,
  builtinAutomations,
  DEFAULT_AUTO_ROUTE_THRESHOLD,
  makeBuiltinAutomations,
} from "./builtinAutomations.js";
export { ClaimRenewalError } from "./ClaimRenewalError.js";
export {
  AutomationAdvanced,
  AutomationClaimed,
  AutomationHandled,
  AutomationReleased,
  AutomationRenewed,
  automationEvents,
  InboxNotified,
  InboxRead,
} from "./events.js";
export { Inbox, type InboxItem, type InboxListOptions, type InboxOptions } from "./Inbox.js";
export type { KnownOperators } from "./notificationChecks.js";
export { PermanentFailureError } from "./PermanentFailureError.js";
export {
  type AutomationRunner,
  type RetryResult,
  type StartAutomationsOptions,
  startAutomations,
} from "./startAutomations.js";
export {
  DELIVER_NOTIFICATIONS,
  makeWebhookDelivery,
  WebhookDelivered,
  WebhookDeliveryError,
  type WebhookDeliveryOptions,
  type WebhookDeliveryServices,
} from "./webhookDelivery.js";
export type { WebhookFormat, WebhookNotification } from "./webhookRequest.js";
