-- seckill_pay: the payment record of each order (pay-rpc). Applies any number of times.
CREATE DATABASE IF NOT EXISTS seckill_pay DEFAULT CHARACTER SET utf8mb4;
USE seckill_pay;

-- status: PENDING (Try) -> AWAITING_PAYMENT (Confirm) | CANCELLED (Cancel).
CREATE TABLE IF NOT EXISTS payment (
  order_id     VARCHAR(64) NOT NULL,
  user_id      BIGINT      NOT NULL,
  amount_cents BIGINT      NOT NULL,
  status       VARCHAR(20) NOT NULL,
  created_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at   DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (order_id),
  KEY idx_payment_status (status),
  CONSTRAINT chk_payment_status CHECK (status IN ('PENDING', 'AWAITING_PAYMENT', 'CANCELLED')),
  CONSTRAINT chk_payment_amount CHECK (amount_cents > 0)
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
