-- seckill_order: orders (order-rpc). Applies any number of times.
CREATE DATABASE IF NOT EXISTS seckill_order DEFAULT CHARACTER SET utf8mb4;
USE seckill_order;

-- status: TRYING (Try) -> CONFIRMED (Confirm, awaiting payment) | CANCELLED (Cancel).
-- live_user_id is user_id while the order is live (TRYING or CONFIRMED) and NULL after, so the
-- unique key allows at most one live order per (user, product) and any number of cancelled ones.
CREATE TABLE IF NOT EXISTS orders (
  order_id     VARCHAR(64)   NOT NULL,
  user_id      BIGINT        NOT NULL,
  product_id   BIGINT        NOT NULL,
  quantity     INT           NOT NULL,
  coupon_id    BIGINT        NOT NULL DEFAULT 0,
  amount_cents BIGINT        NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  reason       VARCHAR(255)  NOT NULL DEFAULT '',
  live_user_id BIGINT AS (CASE WHEN status IN ('TRYING', 'CONFIRMED') THEN user_id END) STORED,
  created_at   DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at   DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (order_id),
  UNIQUE KEY uniq_live_order (live_user_id, product_id),
  KEY idx_orders_user (user_id),
  KEY idx_orders_status (status),
  CONSTRAINT chk_orders_status CHECK (status IN ('TRYING', 'CONFIRMED', 'CANCELLED')),
  CONSTRAINT chk_orders_quantity CHECK (quantity > 0)
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
