-- Run once by the MySQL image at first start, after it created the seckill user: the owner account,
-- the operator's (schemas, verifier, load set-up, tests). No container uses it: each service and DTM
-- get an account of their own with DML on their own schema (docker/mysql-users.sh).
GRANT ALL PRIVILEGES ON `seckill\_%`.* TO 'seckill'@'%';
GRANT ALL PRIVILEGES ON `dtm`.* TO 'seckill'@'%';
FLUSH PRIVILEGES;
