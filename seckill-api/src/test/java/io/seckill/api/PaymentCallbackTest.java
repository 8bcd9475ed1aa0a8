package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.seckill.proto.pay.Payment;
import io.seckill.proto.pay.PaymentStatus;
import io.seckill.proto.pay.Refund;
import io.seckill.proto.pay.RefundStatus;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The callback body's strict parsing and the outcome a payment row stands for: no stack needed. */
class PaymentCallbackTest {
  private static PaymentCallback parse(String body) throws AdmissionRequest.InvalidField {
    return PaymentCallback.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  private static String field(String body) {
    return assertThrows(AdmissionRequest.InvalidField.class, () -> parse(body)).field();
  }

  @Test
  void aWellFormedCallbackParses() throws Exception {
    PaymentCallback c = parse("{\"providerTxnId\":\"sim-ab12\",\"orderId\":\"7-ff\",\"amountCents\":1500,"
        + "\"status\":\"SUCCEEDED\"}");
    assertEquals(new PaymentCallback("sim-ab12", "7-ff", 1500, true), c);
    assertFalse(parse("{\"status\":\"FAILED\",\"amountCents\":1,\"orderId\":\"7-ff\",\"providerTxnId\":\"x\"}")
        .succeeded());
  }

  @Test
  void everyFieldIsCheckedAndNamed() {
    String ok = "\"orderId\":\"7-ff\",\"amountCents\":1500,\"status\":\"SUCCEEDED\"";
    assertEquals("providerTxnId", field("{" + ok + "}"));
    assertEquals("providerTxnId", field("{\"providerTxnId\":\"a b\"," + ok + "}"));
    assertEquals("providerTxnId", field("{\"providerTxnId\":\"" + "a".repeat(65) + "\"," + ok + "}"));
    assertEquals("providerTxnId", field("{\"providerTxnId\":12," + ok + "}"));
    String txn = "\"providerTxnId\":\"sim-1\",";
    assertEquals("orderId", field("{" + txn + "\"orderId\":\"../x\",\"amountCents\":1,\"status\":\"FAILED\"}"));
    assertEquals("amountCents", field("{" + txn + "\"orderId\":\"o\",\"amountCents\":0,\"status\":\"FAILED\"}"));
    assertEquals("amountCents", field("{" + txn + "\"orderId\":\"o\",\"amountCents\":1.5,\"status\":\"FAILED\"}"));
    assertEquals("amountCents", field("{" + txn + "\"orderId\":\"o\",\"amountCents\":\"15\",\"status\":\"FAILED\"}"));
    assertEquals("amountCents",
        field("{" + txn + "\"orderId\":\"o\",\"amountCents\":99999999999999999999,\"status\":\"FAILED\"}"));
    assertEquals("status", field("{" + txn + "\"orderId\":\"o\",\"amountCents\":1,\"status\":\"succeeded\"}"));
    assertEquals("status", field("{" + txn + "\"orderId\":\"o\",\"amountCents\":1}"));
  }

  @Test
  void onlyOneStrictObjectIsAccepted() {
    String ok = "{\"providerTxnId\":\"sim-1\",\"orderId\":\"o\",\"amountCents\":1,\"status\":\"FAILED\"}";
    assertEquals("body", field(ok + " {}"));
    assertEquals("body", field("[" + ok + "]"));
    assertEquals("body", field("{\"providerTxnId\":\"sim-1\""));
    assertEquals("body", field(""));
    assertEquals("body", field("{\"providerTxnId\":\"sim-1\",\"providerTxnId\":\"sim-2\",\"orderId\":\"o\","
        + "\"amountCents\":1,\"status\":\"FAILED\"}"), "a duplicate field is refused, not last-wins");
    assertEquals("userId", field("{\"providerTxnId\":\"sim-1\",\"orderId\":\"o\",\"amountCents\":1,"
        + "\"status\":\"FAILED\",\"userId\":5}"));
  }

  @Test
  void theOutcomeIsWhatThePaymentRowSaysAboutTheTransaction() {
    Payment paid = Payment.newBuilder().setOrderId("o").setStatus(PaymentStatus.PAID).setProviderTxnId("sim-1").build();
    assertEquals("PAID", PaymentRoutes.outcome(paid, "sim-1", OrderSagas.Outcome.DONE));
    assertEquals("PAID", PaymentRoutes.outcome(paid, "sim-1", OrderSagas.Outcome.RUNNING),
        "the pivot took the money; DTM finishes the order's side");
    assertEquals("PROCESSING", PaymentRoutes.outcome(paid, "sim-2", OrderSagas.Outcome.RUNNING));
    Payment refunded = paid.toBuilder().addRefunds(Refund.newBuilder().setProviderTxnId("sim-2").setAmountCents(5)
        .setReason("DOUBLE_PAYMENT").setStatus(RefundStatus.REFUND_PENDING)).build();
    assertEquals("REFUND_PENDING", PaymentRoutes.outcome(refunded, "sim-2", OrderSagas.Outcome.REFUSED));
    Payment awaiting = Payment.newBuilder().setOrderId("o").setStatus(PaymentStatus.AWAITING_PAYMENT).build();
    assertEquals("PROCESSING", PaymentRoutes.outcome(awaiting, "sim-1", OrderSagas.Outcome.RUNNING));
    assertEquals("PROCESSING", PaymentRoutes.outcome(null, "sim-1", OrderSagas.Outcome.RUNNING));
    assertEquals(PaymentRoutes.CONFLICT, PaymentRoutes.outcome(awaiting, "sim-1", OrderSagas.Outcome.REFUSED),
        "the saga of sim-1 is over and this order knows nothing of it: the id belongs to another order");
    assertEquals(PaymentRoutes.CONFLICT, PaymentRoutes.outcome(paid, "sim-3", OrderSagas.Outcome.DONE));
    assertTrue(OrderSagas.paymentGid("sim-1").equals("pay-sim-1") && OrderSagas.expiryGid("7-a").equals("expire-7-a"));
  }
}
