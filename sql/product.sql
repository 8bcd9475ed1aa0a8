-- seckill_product: stock of flash-sale products (product-rpc). Applies any number of times.
CREATE DATABASE IF NOT EXISTS seckill_product DEFAULT CHARACTER SET utf8mb4;
USE seckill_product;

-- initial_stock = available + frozen + sold at all times; every change moves units between
-- the three counters in one UPDATE: available -> frozen (Try) -> sold (Confirm) | back to available
-- (Cancel); sold -> available again when the order expires (expiry saga).
CREATE TABLE IF NOT EXISTS product (
  id            BIGINT       NOT NULL,
  name          VARCHAR(128) NOT NULL,
  price_cents   BIGINT       NOT NULL,
  initial_stock BIGINT       NOT NULL,
  available     BIGINT       NOT NULL,
  frozen        BIGINT       NOT NULL DEFAULT 0,
  sold          BIGINT       NOT NULL DEFAULT 0,
  updated_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  CONSTRAINT chk_product_price CHECK (price_cents > 0),
  CONSTRAINT chk_product_counters CHECK (available >= 0 AND frozen >= 0 AND sold >= 0)
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
