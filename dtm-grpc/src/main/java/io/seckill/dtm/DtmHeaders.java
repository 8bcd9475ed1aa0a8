package io.seckill.dtm;

import io.grpc.Metadata;

/** The gRPC metadata keys DTM and its callers put on every branch call. */
public final class DtmHeaders {
  /** The global transaction id. */
  public static final Metadata.Key<String> GID = key("dtm-gid");
  /** The transaction type: {@code tcc} or {@code saga}. */
  public static final Metadata.Key<String> TRANS_TYPE = key("dtm-trans_type");
  /** The branch id, {@code "01"}, {@code "02"}, ... */
  public static final Metadata.Key<String> BRANCH_ID = key("dtm-branch_id");
  /** The operation: try, confirm or cancel (TCC); action or compensate (Saga). */
  public static final Metadata.Key<String> OP = key("dtm-op");
  /** The coordinator address on the caller's Try; empty when DTM itself calls. */
  public static final Metadata.Key<String> DTM = key("dtm-dtm");

  /** The TCC transaction type. */
  public static final String TCC = "tcc";
  /** The Saga transaction type. */
  public static final String SAGA = "saga";

  private DtmHeaders() {
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }
}
