-- DTM v1.19.0 MySQL storage (the server does not create its tables). Column names and keys are
-- the ones the server's SQL uses; unlike upstream's script nothing is dropped, so this applies
-- any number of times without losing transactions.
CREATE DATABASE IF NOT EXISTS dtm DEFAULT CHARACTER SET utf8mb4;
USE dtm;

CREATE TABLE IF NOT EXISTS trans_global (
  id                 BIGINT        NOT NULL AUTO_INCREMENT,
  gid                VARCHAR(128)  NOT NULL,
  trans_type         VARCHAR(45)   NOT NULL COMMENT 'saga | xa | tcc | msg | workflow',
  status             VARCHAR(12)   NOT NULL COMMENT 'prepared | submitted | aborting | succeed | failed',
  query_prepared     VARCHAR(1024) NOT NULL,
  protocol           VARCHAR(45)   NOT NULL COMMENT 'http | grpc | json-rpc',
  create_time        DATETIME               DEFAULT NULL,
  update_time        DATETIME               DEFAULT NULL,
  finish_time        DATETIME               DEFAULT NULL,
  rollback_time      DATETIME               DEFAULT NULL,
  options            VARCHAR(1024)          DEFAULT '',
  custom_data        VARCHAR(1024)          DEFAULT '',
  next_cron_interval INT                    DEFAULT NULL,
  next_cron_time     DATETIME               DEFAULT NULL,
  owner              VARCHAR(128)  NOT NULL DEFAULT '' COMMENT 'the server instance holding the row',
  ext_data           TEXT,
  result             VARCHAR(1024)          DEFAULT '',
  rollback_reason    VARCHAR(1024)          DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY gid (gid),
  KEY owner (owner),
  KEY status_next_cron_time (status, next_cron_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS trans_branch_op (
  id            BIGINT        NOT NULL AUTO_INCREMENT,
  gid           VARCHAR(128)  NOT NULL,
  url           VARCHAR(1024) NOT NULL,
  data          TEXT,
  bin_data      BLOB,
  branch_id     VARCHAR(128)  NOT NULL,
  op            VARCHAR(45)   NOT NULL COMMENT 'try | confirm | cancel | action | compensate',
  status        VARCHAR(45)   NOT NULL COMMENT 'prepared | succeed | failed',
  finish_time   DATETIME               DEFAULT NULL,
  rollback_time DATETIME               DEFAULT NULL,
  create_time   DATETIME               DEFAULT NULL,
  update_time   DATETIME               DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY gid_uniq (gid, branch_id, op)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;

CREATE TABLE IF NOT EXISTS kv (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  cat         VARCHAR(45)  NOT NULL,
  k           VARCHAR(128) NOT NULL,
  v           TEXT,
  version     BIGINT                DEFAULT 1,
  create_time DATETIME              DEFAULT NULL,
  update_time DATETIME              DEFAULT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uniq_k (cat, k)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4;
