-- Demo seed data: 20 products with 50 units each (1,000 items) and one coupon for each of the
-- first 200 users. INSERT IGNORE keeps whatever a running sale has already changed, so this
-- applies any number of times. Products 1..20 and coupons 1..200 are the demo's; tests use
-- their own ids.
INSERT IGNORE INTO seckill_product.product (id, name, price_cents, initial_stock, available)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
SELECT i, CONCAT('Flash item ', i), 1000 + 100 * i, 50, 50 FROM n;

INSERT IGNORE INTO seckill_coupon.coupon (id, user_id, status, discount_cents)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
SELECT i, i, 'UNUSED', 200 FROM n;
