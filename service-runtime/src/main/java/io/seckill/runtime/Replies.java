package io.seckill.runtime;

import com.google.protobuf.Empty;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.seckill.dtm.branch.BranchContext;
import io.seckill.dtm.branch.BranchStatus;

/** Completes a branch service's unary calls; every failure goes through {@link BranchStatus}. */
public final class Replies {
  private static final Empty OK = Empty.getDefaultInstance();

  /** One Try, Confirm or Cancel given the current call's branch context. */
  @FunctionalInterface
  public interface BranchCall {
    /** Runs the branch operation; the outcome (executed, duplicate, ...) is logged by the barrier. */
    void run(BranchContext branch) throws Exception;
  }

  private Replies() {
  }

  /** Runs a TCC operation with the context the DTM interceptor put on this call and replies Empty. */
  public static void branch(StreamObserver<Empty> reply, BranchCall call) {
    BranchStatus.respond(reply, () -> {
      call.run(BranchContext.current());
      return OK;
    });
  }

  /** The NOT_FOUND error a read RPC throws when its row does not exist. */
  public static StatusRuntimeException notFound(String what) {
    return Status.NOT_FOUND.withDescription(what).asRuntimeException();
  }

  /** Runs a read or other non-TCC call and replies with its result. */
  public static <T> void read(StreamObserver<T> reply, BranchStatus.Body<T> body) {
    BranchStatus.respond(reply, body);
  }
}
