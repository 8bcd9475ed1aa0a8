package io.seckill.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.seckill.auth.BuyerTokens;
import io.seckill.auth.TokenVerifier;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admission request of the api mode: the buyer's bearer token, and a body without userId. */
class ApiOrderSenderTest {
  private static final byte[] SECRET = "a buyer token secret of 32 bytes or more".getBytes(java.nio.charset.StandardCharsets.UTF_8);
  private final BuyerTokens tokens = new BuyerTokens(SECRET, BuyerTokens.LOCAL_ISSUER, BuyerTokens.AUDIENCE);
  private final TokenVerifier verifier = new TokenVerifier(new TokenVerifier.Keys(SECRET, null, null),
      BuyerTokens.LOCAL_ISSUER, BuyerTokens.AUDIENCE, Duration.ofSeconds(30));
  private final ApiOrderSender sender = new ApiOrderSender(Endpoints.fromEnv(Map.of("SECKILL_API_PORT", "18080")),
      tokens, 4, new OutcomeTracker(), new SendStats());

  private static String body(HttpRequest req) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CompletableFuture<Void> done = new CompletableFuture<>();
    req.bodyPublisher().orElseThrow().subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ByteBuffer b) {
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        out.writeBytes(bytes);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        done.complete(null);
      }
    });
    done.get(5, TimeUnit.SECONDS);
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void theRequestCarriesTheBuyersTokenAndNoUserId() throws Exception {
    Order o = new Order("Lrun1-3", 4242, 1_000_001, 1, 17, 900);
    HttpRequest req = sender.request(o, Instant.now());
    assertEquals("http://127.0.0.1:18080/api/v1/seckill/orders", req.uri().toString());
    assertEquals("POST", req.method());
    assertEquals("application/json", req.headers().firstValue("Content-Type").orElse(""));
    String authorization = req.headers().firstValue("Authorization").orElse("");
    assertTrue(authorization.startsWith("Bearer "), authorization);
    assertEquals(new TokenVerifier.Buyer(4242), verifier.verify(authorization), "the token's sub is the buyer");
    JsonNode b = new ObjectMapper().readTree(body(req));
    assertFalse(b.has("userId"), "the API refuses a userId in the body: " + b);
    assertEquals(1_000_001, b.get("productId").asLong());
    assertEquals(1, b.get("quantity").asInt());
    assertEquals(17, b.get("couponId").asLong());
    assertFalse(b.has("amountCents"), b.toString());
  }

  @Test
  void eachBuyerHasOneTokenUntilItNearsItsEnd() {
    Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
    String first = sender.token(1, t0);
    assertEquals(first, sender.token(1, t0.plusSeconds(60)), "cached per buyer");
    assertNotEquals(first, sender.token(2, t0), "another buyer, another token");
    Instant late = t0.plus(ApiOrderSender.TOKEN_TTL).minus(ApiOrderSender.TOKEN_RENEW_BEFORE).plusSeconds(1);
    assertNotEquals(first, sender.token(1, late), "minted again before it expires");
  }
}
