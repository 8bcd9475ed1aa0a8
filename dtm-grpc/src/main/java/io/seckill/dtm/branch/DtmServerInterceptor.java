package io.seckill.dtm.branch;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.seckill.dtm.DtmHeaders;
import io.seckill.dtm.BranchOp;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reads the {@code dtm-*} metadata of branch calls into {@link BranchContext#KEY}. Branch calls are
 * the TCC methods (named Try, Confirm or Cancel) and every method of a Saga service (a service whose
 * name ends in {@code Saga}). A branch call with a missing, blank or invalid key, or whose op does
 * not belong to its kind of method, is closed with INVALID_ARGUMENT naming the key; calls to other
 * methods (reads, health, reflection) pass through untouched.
 */
public final class DtmServerInterceptor implements ServerInterceptor {

  /** The default selection: methods named exactly Try, Confirm or Cancel, and all of a *Saga service. */
  public static final Predicate<MethodDescriptor<?, ?>> BRANCH_METHODS =
      m -> BranchOp.fromMethodName(m.getBareMethodName()).isPresent() || isSagaMethod(m);

  private final Predicate<MethodDescriptor<?, ?>> isBranchMethod;

  /** An interceptor for {@link #BRANCH_METHODS}. */
  public DtmServerInterceptor() {
    this(BRANCH_METHODS);
  }
  /** An interceptor for the methods {@code isBranchMethod} selects. */
  public DtmServerInterceptor(Predicate<MethodDescriptor<?, ?>> isBranchMethod) {
    this.isBranchMethod = Objects.requireNonNull(isBranchMethod, "isBranchMethod");
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    MethodDescriptor<Q, R> method = call.getMethodDescriptor();
    if (!isBranchMethod.test(method)) {
      return next.startCall(call, headers);
    }
    BranchContext branch;
    try {
      branch = fromHeaders(headers);
      checkOpMatchesMethod(branch.op(), method);
    } catch (IllegalArgumentException e) {
      call.close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()), new Metadata());
      return new ServerCall.Listener<>() { };
    }
    return Contexts.interceptCall(Context.current().withValue(BranchContext.KEY, branch), call, headers, next);
  }

  /** The branch context in {@code headers}; IllegalArgumentException naming the first bad key. */
  public static BranchContext fromHeaders(Metadata headers) {
    String gid = required(headers, DtmHeaders.GID);
    String transType = required(headers, DtmHeaders.TRANS_TYPE);
    if (!DtmHeaders.TCC.equals(transType) && !DtmHeaders.SAGA.equals(transType)) {
      throw new IllegalArgumentException(
          DtmHeaders.TRANS_TYPE.name() + " '" + transType + "' is not supported (only tcc and saga)");
    }
    String branchId = required(headers, DtmHeaders.BRANCH_ID);
    String opWire = required(headers, DtmHeaders.OP);
    BranchOp op;
    try {
      op = BranchOp.fromWire(opWire);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          DtmHeaders.OP.name() + " '" + opWire + "' is not try, confirm, cancel, action or compensate");
    }
    if (!op.transType().equals(transType)) {
      throw new IllegalArgumentException(
          DtmHeaders.OP.name() + " '" + opWire + "' is not an op of " + DtmHeaders.TRANS_TYPE.name() + " " + transType);
    }
    // DTM sends an empty dtm-dtm when it calls Confirm/Cancel itself, so this one may be absent or blank.
    String dtm = headers.get(DtmHeaders.DTM);
    requireLength(DtmHeaders.GID, gid);
    requireLength(DtmHeaders.BRANCH_ID, branchId);
    return new BranchContext(gid, transType, branchId, op, dtm == null ? "" : dtm);
  }

  /** True for the methods of a Saga service: its full service name ends in {@code Saga}. */
  public static boolean isSagaMethod(MethodDescriptor<?, ?> method) {
    String service = method.getServiceName();
    return service != null && service.endsWith("Saga");
  }

  private static void checkOpMatchesMethod(BranchOp op, MethodDescriptor<?, ?> method) {
    String bareMethodName = method.getBareMethodName();
    if (isSagaMethod(method)) {
      if (!DtmHeaders.SAGA.equals(op.transType())) {
        throw new IllegalArgumentException(
            DtmHeaders.OP.name() + " '" + op.wire() + "' is not a saga op (method " + bareMethodName + ")");
      }
      return;
    }
    BranchOp byName = BranchOp.fromMethodName(bareMethodName).orElse(null);
    // Only methods that carry a TCC name can be checked; custom-named methods trust dtm-op.
    if (byName != null && byName != op) {
      throw new IllegalArgumentException(
          DtmHeaders.OP.name() + " '" + op.wire() + "' does not match method " + bareMethodName);
    }
  }

  private static String required(Metadata headers, Metadata.Key<String> key) {
    String value = headers.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing metadata " + key.name());
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException("blank metadata " + key.name());
    }
    return value;
  }

  private static void requireLength(Metadata.Key<String> key, String value) {
    if (value.length() > BranchContext.MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          "metadata " + key.name() + " is longer than " + BranchContext.MAX_ID_LENGTH + " chars");
    }
  }
}
