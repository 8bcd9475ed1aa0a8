-- seckill_pay: the payment record of each order (pay-rpc). Applies any number of times.
CREATE DATABASE IF NOT EXISTS seckill_pay DEFAULT CHARACTER SET utf8mb4;
USE seckill_pay;

-- status: PENDING (Try) -> AWAITING_PAYMENT (Confirm) | CANCELLED (Cancel); then
-- AWAITING_PAYMENT -> PAID (payment saga pivot, provider_txn_id set) | CLOSED (expiry saga pivot).
-- The two pivots are conditional updates of this row: exactly one wins.
CREATE TABLE IF NOT EXISTS payment (
  order_id        VARCHAR(64) NOT NULL,
  user_id         BIGINT      NOT NULL,
  amount_cents    BIGINT      NOT NULL,
  status          VARCHAR(20) NOT NULL,
  provider_txn_id VARCHAR(64)          DEFAULT NULL,
  paid_at         DATETIME(3)          DEFAULT NULL,
  closed_at       DATETIME(3)          DEFAULT NULL,
  created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (order_id),
  UNIQUE KEY uniq_payment_txn (provider_txn_id),
  KEY idx_payment_status (status),
  CONSTRAINT chk_payment_status CHECK (status IN ('PENDING', 'AWAITING_PAYMENT', 'CANCELLED', 'PAID', 'CLOSED')),
  CONSTRAINT chk_payment_amount CHECK (amount_cents > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Databases made before payments and expiries: the same columns, keys and statuses.
ALTER TABLE payment
  ADD COLUMN IF NOT EXISTS provider_txn_id VARCHAR(64) DEFAULT NULL AFTER status,
  ADD COLUMN IF NOT EXISTS paid_at DATETIME(3) DEFAULT NULL AFTER provider_txn_id,
  ADD COLUMN IF NOT EXISTS closed_at DATETIME(3) DEFAULT NULL AFTER paid_at,
  ADD UNIQUE KEY IF NOT EXISTS uniq_payment_txn (provider_txn_id);
ALTER TABLE payment DROP CONSTRAINT IF EXISTS chk_payment_status;
ALTER TABLE payment ADD CONSTRAINT chk_payment_status
  CHECK (status IN ('PENDING', 'AWAITING_PAYMENT', 'CANCELLED', 'PAID', 'CLOSED'));

-- Money a provider took that must go back: a successful payment that lost to the expiry
-- (LATE_PAYMENT), a second payment of a paid order (DOUBLE_PAYMENT), or a wrong amount
-- (AMOUNT_MISMATCH). One row per provider transaction; the provider acts on REFUND_PENDING rows.
CREATE TABLE IF NOT EXISTS refund (
  provider_txn_id VARCHAR(64) NOT NULL,
  order_id        VARCHAR(64) NOT NULL,
  amount_cents    BIGINT      NOT NULL,
  reason          VARCHAR(32) NOT NULL,
  status          VARCHAR(20) NOT NULL DEFAULT 'REFUND_PENDING',
  created_at      DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (provider_txn_id),
  KEY idx_refund_order (order_id),
  CONSTRAINT chk_refund_status CHECK (status IN ('REFUND_PENDING'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- The sub-transaction barrier of DTM branches (idempotency, null compensation, anti-hanging).
-- It lives in the service's own database so barrier rows and business rows commit together.
CREATE TABLE IF NOT EXISTS barrier (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  trans_type  VARCHAR(45)  NOT NULL DEFAULT '',
  gid         VARCHAR(128) NOT NULL DEFAULT '',
  branch_id   VARCHAR(128) NOT NULL DEFAULT '',
  op          VARCHAR(45)  NOT NULL DEFAULT '',
  barrier_id  VARCHAR(45)  NOT NULL DEFAULT '',
  reason      VARCHAR(45)  NOT NULL DEFAULT '' COMMENT 'the op that inserted the row',
  create_time DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP,
  update_time DATETIME     NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_barrier (gid, branch_id, op, barrier_id),
  KEY idx_create_time (create_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
