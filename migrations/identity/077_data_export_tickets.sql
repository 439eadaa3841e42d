-- "Download my data" from a browser: the page asks for the password and gets a ticket, a
-- single-use token valid one minute, then lets the browser fetch the zip at a plain URL, so it
-- streams to disk whatever its size instead of being held in the page's memory. Like the other
-- account tokens, only its SHA-256 hash is stored.
-- migrate:up
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
  CHECK (purpose IN ('password_reset', 'email_verify', 'data_export'));

-- migrate:down
DELETE FROM account_tokens WHERE purpose = 'data_export';
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose_check;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose_check
  CHECK (purpose IN ('password_reset', 'email_verify'));
