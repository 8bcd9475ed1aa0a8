package io.seckill.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.seckill.api.AdmissionService.Verdict;
import org.junit.jupiter.api.Test;

/** The admission's verdicts and the HTTP statuses HttpApi answers them with (docs/api.md). */
class AdmissionVerdictTest {
  @Test
  void everyVerdictHasTheStatusBuyersAreAnswered() {
    assertEquals(202, HttpApi.status(Verdict.ADMITTED));
    assertEquals(202, HttpApi.status(Verdict.PENDING), "the buyer follows a pending order by its id");
    assertEquals(409, HttpApi.status(Verdict.REFUSED));
    assertEquals(429, HttpApi.status(Verdict.RATE_LIMITED));
    assertEquals(503, HttpApi.status(Verdict.UNAVAILABLE));
    assertEquals(504, HttpApi.status(Verdict.TIMED_OUT));
  }
}
