package io.seckill.dtm.client;

import java.net.URI;
import java.time.Duration;

/**
 * Where DTM is and how long to wait for it: a checked value. Reading it from properties and the
 * environment is the caller's business (the parts use service-runtime's settings reader, keys
 * {@code dtm.grpc}, {@code dtm.http} and {@code dtm.call-timeout-ms}).
 *
 * @param grpcTarget  DTM's gRPC {@code host:port}; also sent to branches as {@code dtm-dtm}
 * @param httpBase    DTM's HTTP base URL, for the query API
 * @param callTimeout deadline of each call to DTM (Submit/Abort with WaitResult include the second phase)
 */
public record DtmClientConfig(String grpcTarget, URI httpBase, Duration callTimeout) {

  /** Validates; IllegalArgumentException names the bad key. */
  public DtmClientConfig {
    if (grpcTarget == null || !grpcTarget.matches("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}")) {
      throw new IllegalArgumentException("dtm.grpc must be host:port, got '" + grpcTarget + "'");
    }
    if (httpBase == null || httpBase.getScheme() == null || !httpBase.getScheme().startsWith("http")
        || httpBase.getHost() == null) {
      throw new IllegalArgumentException("dtm.http must be an http(s) URL, got '" + httpBase + "'");
    }
    if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("dtm.call-timeout-ms must be positive");
    }
  }
}
