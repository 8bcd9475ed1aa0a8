# shellcheck shell=bash
# ./seckill demo [load options]: the flash sale of the README. Brings the stack up, makes products
# 1..20 of sql/seed.sql (50 units each, 1,000 items) a fresh sale, opens it through the API, floods
# the API with five times the stock from 4,000 buyers (about 10% of them using their seed coupon),
# waits until every admitted order is final. Then the second act (SaleStory): 60% of the buyers
# pay, the rest let a short payment deadline pass, so their orders expire through DTM sagas and the
# units, coupons and slots come back; 5% pay after the expiry and are refunded; a forged callback is
# refused; new buyers buy the returned units and pay. Prints the counts and checks the invariants.
# order-rpc runs with a ${DEMO_PAYMENT_DEADLINE} payment deadline for the demo and gets the stack's
# own back afterwards. Extra arguments go to the load generator (e.g. --count 10000).

# shellcheck source=stack/cmd/load.sh
source "${SECKILL_ROOT}/stack/cmd/load.sh"

DEMO_PRODUCTS=20
DEMO_STOCK=50
DEMO_COUPONS=200
# Long enough for the flood to finish before the first deadline falls due, short enough to watch.
DEMO_PAYMENT_DEADLINE="${SECKILL_DEMO_PAYMENT_DEADLINE:-PT40S}"

# demo_order_deadline DURATION: restart order-rpc with DURATION as its payment deadline ("" for the
# stack's own setting).
demo_order_deadline() {
  if [[ -n "$1" ]]; then
    SECKILL_ORDER_PAYMENT_DEADLINE="$1" cmd_restart order-rpc > /dev/null
  else
    (unset SECKILL_ORDER_PAYMENT_DEADLINE; cmd_restart order-rpc > /dev/null)
  fi
}

cmd_demo() {
  local began=$SECONDS rc=0 json="${STACK_DIR}/demo-last.json"
  cmd_up
  load_build_if_needed
  load_env
  say "order-rpc: payment deadline ${DEMO_PAYMENT_DEADLINE} for the demo"
  demo_order_deadline "$DEMO_PAYMENT_DEADLINE"
  say "flash sale: products 1..${DEMO_PRODUCTS} x ${DEMO_STOCK} units, flood of 5,000 requests through the API"
  say_dashboard
  clear_admissions 1 "$DEMO_PRODUCTS"
  load_java io.seckill.load.LoadMain --mode api --reset-sale --open-sale \
    --product-base 1 --products "$DEMO_PRODUCTS" --stock-per-product "$DEMO_STOCK" \
    --coupon-base 1 --coupon-users "$DEMO_COUPONS" --coupon-share 0.1 \
    --count 5000 --users 4000 --concurrency 64 --wait-seconds 150 --json "$json" "$@" || rc=$?
  say "after the sale: buyers pay, deadlines pass, units come back and sell again"
  load_java io.seckill.load.SaleStory --product-base 1 --products "$DEMO_PRODUCTS" \
    --pay-share 0.6 --late-share 0.05 --resale-buyers 1500 --first-resale-user 500001 \
    --json "${STACK_DIR}/demo-story.json" || rc=$?
  say "order-rpc: back to the stack's payment deadline"
  demo_order_deadline ""
  if [[ -f "${SECKILL_ROOT}/stack/cmd/verify.sh" ]]; then
    say "checking the invariants (./seckill verify --products 1-${DEMO_PRODUCTS})"
    "${SECKILL_ROOT}/seckill" verify --products "1-${DEMO_PRODUCTS}" || rc=1
  else
    warn "./seckill verify is not available: invariants not checked"
  fi
  say "demo finished in $((SECONDS - began))s (exit ${rc}); summary JSON: ${json}"
  return "$rc"
}
