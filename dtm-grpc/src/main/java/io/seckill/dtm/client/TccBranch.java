package io.seckill.dtm.client;

import io.seckill.dtm.BranchOp;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One branch of a TCC transaction: where its Try, Confirm and Cancel live and the request bytes
 * all three receive (DTM replays the registered payload to Confirm and Cancel).
 *
 * @param target        {@code host:port} of the branch service (plain-text HTTP/2)
 * @param tryMethod     full gRPC method name, {@code pkg.Service/Try}
 * @param confirmMethod full gRPC method name of the Confirm
 * @param cancelMethod  full gRPC method name of the Cancel
 * @param payload       the serialized request message
 */
public record TccBranch(String target, String tryMethod, String confirmMethod, String cancelMethod, byte[] payload) {
  private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9.\\-]+:[0-9]{1,5}|\\[[0-9a-fA-F:]+\\]:[0-9]{1,5}");
  private static final Pattern METHOD = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*/[A-Za-z_][A-Za-z0-9_]*");

  /** Validates every field; IllegalArgumentException names the bad one. */
  public TccBranch {
    requireTarget(target);
    for (String m : new String[] {tryMethod, confirmMethod, cancelMethod}) {
      requireMethod(m);
    }
    payload = Objects.requireNonNull(payload, "payload").clone();
  }

  static void requireTarget(String target) {
    if (target == null || !TARGET.matcher(target).matches()) {
      throw new IllegalArgumentException("target must be host:port, got '" + target + "'");
    }
  }

  static void requireMethod(String method) {
    if (method == null || !METHOD.matcher(method).matches()) {
      throw new IllegalArgumentException("method must be pkg.Service/Method, got '" + method + "'");
    }
  }

  /** A branch whose service {@code pkg.Service} names its methods Try, Confirm and Cancel. */
  public static TccBranch of(String target, String service, byte[] payload) {
    return new TccBranch(target, service + "/" + BranchOp.TRY.methodName(),
        service + "/" + BranchOp.CONFIRM.methodName(), service + "/" + BranchOp.CANCEL.methodName(), payload);
  }

  /** The address DTM calls for {@code op}: {@code host:port/pkg.Service/Method}. */
  public String url(BranchOp op) {
    return target + "/" + switch (op) {
      case TRY -> tryMethod;
      case CONFIRM -> confirmMethod;
      case CANCEL -> cancelMethod;
      case ACTION, COMPENSATE -> throw new IllegalArgumentException("a TCC branch has no " + op + " op");
    };
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  byte[] payloadNoCopy() {
    return payload;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TccBranch b && target.equals(b.target) && tryMethod.equals(b.tryMethod)
        && confirmMethod.equals(b.confirmMethod) && cancelMethod.equals(b.cancelMethod)
        && Arrays.equals(payload, b.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(target, tryMethod, confirmMethod, cancelMethod, Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "TccBranch[" + target + "/" + tryMethod + ", " + payload.length + " bytes]";
  }
}
