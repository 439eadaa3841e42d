// identity's part of "Download my data" (GDPR Art. 15/20), column by column: what the account
// holds about the person, never a secret (no password hash, token or code hash, key, TOTP
// secret, passkey credential, idempotency key, or a mail's data, which may hold a link's token).
import type { ExportedCollection } from '../../platform/data-portability.ts';

export const IDENTITY_EXPORT: Readonly<Record<string, ExportedCollection>> = {
  profile: {
    key: 'user_id',
    keyType: 'uuid',
    select: `SELECT user_id, username, email, display_name, email_verified_at, locale, affiliate_links,
                    password_changed_at, disabled_at, created_at, updated_at
               FROM users WHERE user_id = $1`,
  },
  devices: {
    key: 'device_id',
    keyType: 'uuid',
    select: `SELECT device_id, device_type, device_name, trust_level, user_agent, last_seen, revoked_at, created_at
               FROM user_devices WHERE user_id = $1`,
  },
  sessions: {
    key: 'session_id',
    keyType: 'uuid',
    select: `SELECT session_id, device_id, ip_address, user_agent, amr, created_at, last_used_at, expires_at,
                    revoked_at, revoked_reason
               FROM user_sessions WHERE user_id = $1`,
  },
  credits: {
    key: 'user_id',
    keyType: 'uuid',
    select:
      'SELECT user_id, balance, lifetime_spent, created_at, updated_at FROM credits_balance WHERE user_id = $1',
  },
  credit_ledger: {
    key: 'entry_id',
    keyType: 'bigint',
    select:
      'SELECT entry_id, amount, kind, reason, balance_after, created_at FROM credit_ledger WHERE user_id = $1',
  },
  credit_transfers: {
    key: 'transfer_id',
    keyType: 'uuid',
    select: `SELECT transfer_id, CASE WHEN from_user_id = $1 THEN 'sent' ELSE 'received' END AS direction, amount, fee,
                    reference, reason, status, created_at, refunded_at, refund_reason
               FROM credit_transfers WHERE from_user_id = $1 OR to_user_id = $1`,
  },
  payments: {
    key: 'payment_id',
    keyType: 'uuid',
    select: `SELECT payment_id, provider, credits, amount_cents, status, completed_at, created_at
               FROM payments WHERE user_id = $1`,
  },
  subscriptions: {
    key: 'subscription_id',
    keyType: 'uuid',
    select: `SELECT subscription_id, plan_code, status, current_period_end, canceled_at, created_at, updated_at
               FROM user_subscriptions WHERE user_id = $1`,
  },
  // Bring-your-own keys by provider and label only: the key itself stays sealed here.
  api_keys: {
    key: 'key_id',
    keyType: 'uuid',
    select: `SELECT key_id, provider, label, is_active, last_used_at, created_at
               FROM user_api_keys WHERE user_id = $1`,
  },
  passkeys: {
    key: 'passkey_id',
    keyType: 'uuid',
    select: `SELECT passkey_id, name, device_type, backed_up, transports, created_at, last_used_at
               FROM passkeys WHERE user_id = $1`,
  },
  two_factor: {
    key: 'user_id',
    keyType: 'uuid',
    select: 'SELECT user_id, created_at, confirmed_at FROM user_totp WHERE user_id = $1',
  },
  ai_preferences: {
    key: 'user_id',
    keyType: 'uuid',
    select:
      'SELECT user_id, model_preference, fallback_model, updated_at FROM ai_preferences WHERE user_id = $1',
  },
  ai_usage: {
    key: 'usage_id',
    keyType: 'bigint',
    select: `SELECT usage_id, app, endpoint, model, provider, byok, prompt_tokens, completion_tokens, cached_tokens,
                    credits, latency_ms, outcome, error_code, created_at
               FROM ai_usage_log WHERE user_id = $1`,
  },
  // Responses the gateway keeps for previous_response_id (30 days at most): the person's own
  // prompts and answers, so they are part of what the account holds about them. Up to 2 MiB
  // each: a few to a page.
  ai_stored_responses: {
    key: 'response_id',
    keyType: 'text',
    pageMax: 8,
    select: `SELECT response_id, previous_response_id, input_items, response, created_at, expires_at
               FROM ai_stored_responses WHERE user_id = $1`,
  },
  karma: {
    key: 'entry_id',
    keyType: 'bigint',
    select: `SELECT entry_id, delta, app, item_kind, item_id, item_title, reason, created_at
               FROM karma_ledger WHERE user_id = $1`,
  },
  connected_apps: {
    key: 'grant_key',
    keyType: 'uuid',
    select: 'SELECT grant_key, client_id, created_at FROM oidc_grant_sessions WHERE user_id = $1',
  },
  mail_opt_outs: {
    key: 'category',
    keyType: 'text',
    select: 'SELECT category, created_at FROM mail_opt_outs WHERE user_id = $1',
  },
  mails: {
    key: 'delivery_id',
    keyType: 'bigint',
    select:
      'SELECT delivery_id, app, kind, to_address, status, created_at FROM mail_deliveries WHERE user_id = $1',
  },
  staff_roles: {
    key: 'role_key',
    keyType: 'text',
    select: `SELECT role || ':' || domain AS role_key, role, domain, created_at FROM staff_roles WHERE user_id = $1`,
  },
  security_log: {
    key: 'audit_id',
    keyType: 'bigint',
    select:
      'SELECT audit_id, event, ip_address, user_agent, details, created_at FROM audit_log WHERE user_id = $1',
  },
};
