-- seckill_coupon: one-shot coupons (coupon-rpc). Applies any number of times.
CREATE DATABASE IF NOT EXISTS seckill_coupon DEFAULT CHARACTER SET utf8mb4;
USE seckill_coupon;

-- status: UNUSED -> FROZEN (Try) -> USED (Confirm) | back to UNUSED (Cancel); USED -> UNUSED again
-- when its order expires (expiry saga). order_id is the order holding the coupon while FROZEN or
-- USED, NULL while UNUSED.
CREATE TABLE IF NOT EXISTS coupon (
  id             BIGINT      NOT NULL,
  user_id        BIGINT      NOT NULL,
  status         VARCHAR(16) NOT NULL DEFAULT 'UNUSED',
  order_id       VARCHAR(64)          DEFAULT NULL,
  discount_cents BIGINT      NOT NULL DEFAULT 0,
  updated_at     DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  KEY idx_coupon_user (user_id),
  CONSTRAINT chk_coupon_status CHECK (status IN ('UNUSED', 'FROZEN', 'USED'))
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
