-- App passwords are random secrets of about 140 bits: they are now stored
-- as "sha256:" and the hex SHA-256 of the secret, and found by that value
-- with one index lookup, so that a failed login costs the same whatever
-- the user (one bcrypt, for the account password). Rows made before hold a
-- bcrypt hash: they keep working, checked the old way, and are rewritten
-- to the new form the first time they are used.
CREATE INDEX app_passwords_hash ON app_passwords(hash);
