-- Run once by the MySQL image at first start, after it created the seckill user: the services
-- each use their own seckill_* database, DTM its dtm database.
GRANT ALL PRIVILEGES ON `seckill\_%`.* TO 'seckill'@'%';
GRANT ALL PRIVILEGES ON `dtm`.* TO 'seckill'@'%';
FLUSH PRIVILEGES;
