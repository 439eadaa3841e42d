// What other services may ask of identity (the only door into it). In one process this is
// the service itself; the types are the contract either way.

import type { JSONWebKeySet } from 'jose';
import type { FeedItem } from '../platform/auth/revocations.ts';
import type { DataExportClient } from '../platform/data-portability.ts';
import { rpcMethods } from '../platform/rpc.ts';
import type { Entitlements, PlanCode, PlanInfo } from './plans.ts';

/** Identity's error codes, for callers that switch on them or speak for identity (the CLI). */
export { IdentityErrors } from './errors.ts';
export { createIdentityHttpClient } from './http-client.ts';
export { ACCOUNT_ARCHIVE_LIMITS } from './links.ts';
export { createPlanCache, type PlanCache, planCacheFor } from './plan-cache.ts';
export {
  DEFAULT_PLANS,
  type EntitlementName,
  type Entitlements,
  type PlanCode,
  type PlanInfo,
  plansGranting,
} from './plans.ts';

export interface JwksProvider {
  jwks(): Promise<JSONWebKeySet>;
}

export interface PublicUser {
  userId: string;
  username: string;
  displayName: string | null;
}

export interface CreditReservation {
  reservationId: string;
  userId: string;
  /** Credits held by the reservation. */
  amount: number;
  /** Credits finally spent (set when settled). */
  spent: number | null;
  status: 'held' | 'settled' | 'refunded';
  /** The user's balance after this operation. */
  balance: number;
}

/** A payment from one account to another (a marketplace purchase), as identity recorded it. */
export interface CreditTransfer {
  transferId: string;
  /** The payer (the buyer); null once that account is deleted. */
  fromUserId: string | null;
  /** The payee (the seller); null once that account is deleted. */
  toUserId: string | null;
  /** What the payer paid. */
  amount: number;
  /** The platform's part: floor(amount × feePercent / 100), taken from what the payee receives. */
  fee: number;
  feePercent: number;
  /** amount − fee. */
  received: number;
  reference: string;
  status: 'completed' | 'refunded';
  /** Balances right after the transfer (a retry answers these, not today's). */
  fromBalance: number;
  toBalance: number;
  createdAt: Date;
  refundedAt: Date | null;
}

export interface CreditsClient {
  balance(userId: string): Promise<{ balance: number; lifetimeSpent: number }>;
  /** Holds credits before a metered call; 402 INSUFFICIENT_CREDITS when the balance is short. */
  reserve(input: {
    userId: string;
    amount: number;
    idempotencyKey: string;
    reason: string;
  }): Promise<CreditReservation>;
  /**
   * Spends `amount` of a reservation and returns the rest. Never more than the hold: what is
   * asked beyond it is recorded as a shortfall, not charged. A hold nobody settles or refunds
   * returns by itself about an hour after it was taken.
   */
  settle(input: {
    reservationId: string;
    amount: number;
    idempotencyKey: string;
  }): Promise<CreditReservation>;
  /** Returns a whole reservation (the call failed or never happened). */
  refund(input: { reservationId: string; idempotencyKey: string }): Promise<CreditReservation>;
  /**
   * Moves `amount` from one account to another in one transaction: the payer's ledger shows the
   * payment, the payee's the sale and the platform fee (CALOS_MARKET_FEE_PERCENT) taken from it.
   * Once per (fromUserId, idempotencyKey): a retry answers the first transfer before any balance
   * is checked (so also once the payee's account is erased); the same key for another payee,
   * amount or reference is 409 IDEMPOTENCY_KEY_REUSED. 402 INSUFFICIENT_CREDITS
   * (nothing written) when the payer's balance is short; 400 TRANSFER_TO_SELF.
   * For services (the apps' marketplaces), never for end users directly.
   */
  transfer(input: {
    fromUserId: string;
    toUserId: string;
    amount: number;
    idempotencyKey: string;
    /** What is paid for (e.g. 'hollowtown:listing:<id>'): compared on a retry. */
    reference: string;
    /** The ledger's words for both sides (at most 200 characters). */
    reason: string;
  }): Promise<CreditTransfer>;
  /**
   * Reverses both sides of a transfer once: the payer gets the whole amount back, the payee gives
   * back what it received (the platform returns its fee). A retry with the same key answers the
   * same; another key after the refund is 409 TRANSFER_ALREADY_REFUNDED; 409
   * TRANSFER_REFUND_REFUSED when the payee's balance no longer holds what it received.
   */
  refundTransfer(input: {
    transferId: string;
    idempotencyKey: string;
    reason: string;
  }): Promise<CreditTransfer>;
}

export type ApiKeyProvider = 'openai' | 'anthropic' | 'deepseek';

export interface ApiKeysClient {
  /** The user's active key for a provider, decrypted. For the AI gateway only. */
  activeKey(userId: string, provider: ApiKeyProvider): Promise<{ keyId: string; apiKey: string } | null>;
}

export interface OutboxEvent {
  eventId: number;
  topic: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

export interface OutboxClient {
  /** Events after this consumer's cursor, oldest first. */
  pull(consumer: string, limit: number): Promise<OutboxEvent[]>;
  /** Moves the consumer's cursor past an event it has applied (and every event before it). */
  ack(consumer: string, eventId: number): Promise<void>;
}

/**
 * Ended sessions and deleted accounts, for services that verify tokens themselves (the shape of
 * platform/auth/revocations.ts's RevocationSource).
 */
export interface RevocationFeed {
  recent(): Promise<{ items: FeedItem[]; cursor: number }>;
  after(cursor: number, waitMs: number): Promise<{ items: FeedItem[]; cursor: number }>;
}

/**
 * user.deleted is applied once more this long after the first time: a write made with the
 * account's last token (authorised just before the deletion) may commit after the first run.
 */
export const USER_DELETED_REAPPLY_MS = 10_000;
export const reapplyUserDeleted = (event: { topic: string }) =>
  event.topic === 'user.deleted' ? USER_DELETED_REAPPLY_MS : undefined;

export interface AiPreferences {
  model_preference: string | null;
  fallback_model: string;
}

/** One gateway answer, as the gateway reports it for the account's usage log. */
export interface AiUsageRecord {
  userId: string;
  app: string;
  endpoint: string;
  model: string;
  provider: 'ollama' | 'openai' | 'anthropic' | 'deepseek';
  instance: string | null;
  byok: boolean;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  credits: number;
  latencyMs: number;
  outcome: 'ok' | 'error' | 'aborted' | 'rate_limited' | 'no_credits';
  errorCode: string | null;
}

/** The most rows one recordUsageBatch call takes. */
export const AI_USAGE_BATCH_LIMIT = 500;

/** A line of the account's usage log, as identity keeps it. */
export interface AiUsageRow {
  usage_id: number;
  app: string;
  endpoint: string;
  model: string;
  provider: string;
  instance: string | null;
  byok: boolean;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  credits: number;
  latency_ms: number;
  outcome: string;
  error_code: string | null;
  created_at: Date;
}

/**
 * A response the gateway stores for OpenAI's Responses API, so a conversation continues with
 * previous_response_id. `depth` counts the responses of its chain (1 without a previous one),
 * `chainBytes` their stored size; the gateway sets the times from its clock.
 */
export interface StoredAiResponse {
  responseId: string;
  previousResponseId: string | null;
  depth: number;
  chainBytes: number;
  /** This response's own input items (the chain's earlier ones stay with its ancestors). */
  inputItems: unknown[];
  /** The response object as it was answered, output included. */
  response: Record<string, unknown>;
  /**
   * How a streamed answer was cut: [output index, length] of each delta, in order, so a replay
   * sends the same events with the same sequence numbers; null or absent when answered whole.
   */
  streamDeltas?: [number, number][] | null;
  createdAt: Date;
  expiresAt: Date;
}

export interface AiAccountClient {
  preferences(userId: string): Promise<AiPreferences>;
  setPreferences(userId: string, preferences: AiPreferences): Promise<AiPreferences>;
  recordUsage(record: AiUsageRecord): Promise<void>;
  /**
   * Many rows in one statement (the gateway's batches), at most AI_USAGE_BATCH_LIMIT; rows of
   * accounts that are gone are skipped. A row the table refuses fails the whole batch.
   */
  recordUsageBatch(records: readonly AiUsageRecord[]): Promise<void>;
  /** Newest first; `before` continues below a usage_id. */
  usage(userId: string, limit: number, before?: number): Promise<AiUsageRow[]>;
  /** Keeps a response of this user until its expiresAt (nothing for an account deleted meanwhile). */
  storeResponse(userId: string, stored: StoredAiResponse): Promise<void>;
  /** This user's response, unless it has expired; null for another user's. */
  storedResponse(userId: string, responseId: string): Promise<StoredAiResponse | null>;
  /**
   * The response and its ancestors that are still kept, oldest first, at most `limit`; empty when
   * the user has no such response. Fewer than its depth: an ancestor was deleted or expired.
   */
  responseChain(userId: string, responseId: string, limit: number): Promise<StoredAiResponse[]>;
  /**
   * Input or output items of this user's kept responses by item id (item_reference), each id at
   * most once (from the newest response that has it); ids the user has no item for are left out.
   */
  storedItems(userId: string, itemIds: readonly string[]): Promise<{ itemId: string; item: unknown }[]>;
  /** False when the user has no such response. */
  deleteStoredResponse(userId: string, responseId: string): Promise<boolean>;
}

/** Apps whose published items collect votes, and the kinds of item they hold. */
export type CommunityApp = 'hollowtown' | 'recipes';
export type CommunityItemKind = 'recipe' | 'costume' | 'plan';

/** A voter's vote on a published item as the app has it now, reported after every change. */
export interface VoteReport {
  app: CommunityApp;
  itemKind: CommunityItemKind;
  itemId: string;
  /** For the karma history and the reward's reason (at most 200 characters). */
  itemTitle: string;
  authorId: string;
  voterId: string;
  isActive: boolean;
  /**
   * Counts the changes of this voter's vote on the item (1, 2, …): a report not newer than the
   * last one applied changes nothing, so reports may arrive twice or late.
   */
  version: number;
  /** When the vote changed (the app's clock): the voter's account age is taken at this time. */
  at: Date;
}

export interface KarmaEntry {
  delta: number;
  app: string;
  item_kind: CommunityItemKind;
  item_id: string;
  item_title: string;
  reason: string;
  created_at: Date;
}

/**
 * Karma (upvotes from other accounts on a user's published items, across apps) and the credits
 * an item's author earns at each milestone of counted upvotes (CALOS_REWARD_*).
 */
export interface KarmaClient {
  /** Applies a vote's change once: karma for the author, and a reward when a milestone is reached. */
  recordVote(report: VoteReport): Promise<{ applied: boolean; karmaDelta: number; rewardsPaid: number }>;
  ofUser(userId: string): Promise<{ karma: number }>;
  /** Newest first. */
  recent(userId: string, limit: number): Promise<KarmaEntry[]>;
  /**
   * An item moderation removed for good: its upvotes stop counting, and its author loses their
   * karma (rewards already paid stay). Applying it again changes nothing.
   */
  itemRemoved(item: {
    app: CommunityApp;
    itemKind: CommunityItemKind;
    itemId: string;
    at: Date;
  }): Promise<{ votesEnded: number }>;
}

/** Mails about what an app did with something the user wrote. */
export interface NoticesClient {
  /** Tells the author what moderation decided about their item, and why. */
  moderationDecision(input: {
    userId: string;
    app: CommunityApp;
    itemKind: CommunityItemKind;
    itemTitle: string;
    decision: 'hidden' | 'restored' | 'removed';
    reason: string;
    /** The app's own key for this notice (its decision's id): a second delivery mails nothing. */
    noticeKey?: string;
  }): Promise<void>;
}

export type StaffRoleName = 'admin' | 'support' | 'moderator';
export type StaffDomainName = 'all' | 'identity' | 'hollowtown' | 'recipes' | 'family';

/** One staff role of an account in one domain ('all': every domain). */
export interface StaffGrant {
  role: StaffRoleName;
  domain: StaffDomainName;
}

/** What staff did in a service other than identity, for the staff audit log. */
export interface StaffActionInput {
  /** The staff member who acted (they must hold a role in `domain`). */
  actorUserId: string;
  domain: StaffDomainName;
  /** Like item.removed or purchase.refunded. */
  action: string;
  /** The account it concerns (their security log shows it), if any. */
  subjectUserId: string | null;
  reason: string | null;
  details: Record<string, unknown>;
  /**
   * The delivering service's key for an action delivered from its outbox after it happened (e.g.
   * 'hollowtown:outbox:42'): identity writes it once under that key, whoever holds roles now.
   */
  idempotencyKey?: string;
}

export interface StaffClient {
  /**
   * Writes a staff action to the append-only staff audit log and the subject's security log;
   * under an `idempotencyKey` once (a repeat answers the first entry's id).
   */
  recordAction(input: StaffActionInput): Promise<{ staffAuditId: number }>;
}

export interface IdentityClient extends JwksProvider {
  findUser(query: { userId: string } | { login: string }): Promise<PublicUser | null>;
  /** Which of these ids belong to existing users (integrity checks across databases). */
  existingUserIds(userIds: readonly string[]): Promise<Set<string>>;
  planOf(userId: string): Promise<{ plan: PlanCode; entitlements: Entitlements }>;
  /** Every plan and its entitlements, as operators set them (wrap in createPlanCache). */
  plans(): Promise<PlanInfo[]>;
  /** The staff roles of an account (none for most people). */
  staffRolesOf(userId: string): Promise<StaffGrant[]>;
  /** Whether the apps show this account "Buy at …" affiliate links (false for no such account). */
  showsAffiliateLinks(userId: string): Promise<boolean>;
  credits: CreditsClient;
  apiKeys: ApiKeysClient;
  outbox: OutboxClient;
  ai: AiAccountClient;
  revocations: RevocationFeed;
  karma: KarmaClient;
  notices: NoticesClient;
  staff: StaffClient;
  /** The account's rows for "Download my data" (identity.json), a page at a time, without secrets. */
  dataExport: DataExportClient;
}

/** Every method of the client, for its HTTP door and HTTP client (the compiler checks the list). */
export const IDENTITY_RPC_METHODS = rpcMethods<IdentityClient>()(
  'jwks',
  'findUser',
  'existingUserIds',
  'planOf',
  'plans',
  'staffRolesOf',
  'showsAffiliateLinks',
  'credits.balance',
  'credits.reserve',
  'credits.settle',
  'credits.refund',
  'credits.transfer',
  'credits.refundTransfer',
  'apiKeys.activeKey',
  'outbox.pull',
  'outbox.ack',
  'ai.preferences',
  'ai.setPreferences',
  'ai.recordUsage',
  'ai.recordUsageBatch',
  'ai.usage',
  'ai.storeResponse',
  'ai.storedResponse',
  'ai.responseChain',
  'ai.storedItems',
  'ai.deleteStoredResponse',
  'revocations.recent',
  'revocations.after',
  'karma.recordVote',
  'karma.ofUser',
  'karma.recent',
  'karma.itemRemoved',
  'notices.moderationDecision',
  'staff.recordAction',
  'dataExport.collections',
  'dataExport.page',
);
