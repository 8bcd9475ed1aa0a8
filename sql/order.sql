-- seckill_order: orders (order-rpc). Applies any number of times.
CREATE DATABASE IF NOT EXISTS seckill_order DEFAULT CHARACTER SET utf8mb4;
USE seckill_order;

-- status: TRYING (Try) -> CONFIRMED (Confirm: awaiting payment until pay_deadline) | CANCELLED
-- (Cancel); then CONFIRMED -> PAID (payment saga) | EXPIRED (expiry saga: stock, coupon and slot
-- given back). live_user_id is user_id while the order is live (TRYING, CONFIRMED or PAID) and NULL
-- otherwise, so the unique key allows at most one live order per (user, product) and any number of
-- cancelled or expired ones.
CREATE TABLE IF NOT EXISTS orders (
  order_id     VARCHAR(64)   NOT NULL,
  user_id      BIGINT        NOT NULL,
  product_id   BIGINT        NOT NULL,
  quantity     INT           NOT NULL,
  coupon_id    BIGINT        NOT NULL DEFAULT 0,
  amount_cents BIGINT        NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  reason       VARCHAR(255)  NOT NULL DEFAULT '',
  pay_deadline DATETIME(3)            DEFAULT NULL,
  live_user_id BIGINT AS (CASE WHEN status IN ('TRYING', 'CONFIRMED', 'PAID') THEN user_id END) STORED,
  created_at   DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at   DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (order_id),
  UNIQUE KEY uniq_live_order (live_user_id, product_id),
  KEY idx_orders_user (user_id),
  KEY idx_orders_status (status),
  KEY idx_orders_due (status, pay_deadline),
  CONSTRAINT chk_orders_status CHECK (status IN ('TRYING', 'CONFIRMED', 'CANCELLED', 'PAID', 'EXPIRED')),
  CONSTRAINT chk_orders_quantity CHECK (quantity > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

-- Databases made before payments and expiries: the same column, key, statuses and live rule.
ALTER TABLE orders
  ADD COLUMN IF NOT EXISTS pay_deadline DATETIME(3) DEFAULT NULL AFTER reason,
  ADD INDEX IF NOT EXISTS idx_orders_due (status, pay_deadline);
ALTER TABLE orders DROP CONSTRAINT IF EXISTS chk_orders_status;
ALTER TABLE orders ADD CONSTRAINT chk_orders_status
  CHECK (status IN ('TRYING', 'CONFIRMED', 'CANCELLED', 'PAID', 'EXPIRED'));
-- Rewritten only when it still has the old rule (a rewrite rebuilds the table).
SET @live_rule = (SELECT GENERATION_EXPRESSION FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = 'seckill_order' AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'live_user_id');
SET @live_sql = IF(@live_rule LIKE '%PAID%', 'DO 0',
  'ALTER TABLE orders MODIFY live_user_id BIGINT AS (CASE WHEN status IN (''TRYING'', ''CONFIRMED'', ''PAID'') THEN user_id END) STORED');
PREPARE live_stmt FROM @live_sql;
EXECUTE live_stmt;
DEALLOCATE PREPARE live_stmt;

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
