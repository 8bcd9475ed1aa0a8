package io.seckill.dtm.client;

import java.util.Objects;

/**
 * One step of a DTM Saga: the branch service DTM calls forward (the action) and the one it calls to
 * undo it (the compensation), with the request bytes both receive. An empty compensation means the
 * step needs none: DTM counts an empty address as success.
 *
 * <p>The sagas of this project are "pivot first": step 1 decides (it may refuse, which ends the saga
 * with nothing done), and every later step cannot refuse for a business reason, so DTM retries it
 * until it succeeds and no compensation ever runs. Those steps are built with {@link #retriable}.
 *
 * @param target             {@code host:port} of the branch service (plain-text HTTP/2)
 * @param actionMethod       full gRPC method name, {@code pkg.Service/Method}
 * @param compensateMethod   full gRPC method name of the compensation, or empty for none
 * @param payload            the serialized request message
 */
public record SagaStep(String target, String actionMethod, String compensateMethod, byte[] payload) {

  /** Validates every field; IllegalArgumentException names the bad one. */
  public SagaStep {
    TccBranch.requireTarget(target);
    TccBranch.requireMethod(actionMethod);
    Objects.requireNonNull(compensateMethod, "compensateMethod");
    if (!compensateMethod.isEmpty()) {
      TccBranch.requireMethod(compensateMethod);
    }
    payload = Objects.requireNonNull(payload, "payload").clone();
  }

  /** A step without compensation: the pivot, or a step after it that DTM retries until it succeeds. */
  public static SagaStep retriable(String target, String actionMethod, byte[] payload) {
    return new SagaStep(target, actionMethod, "", payload);
  }

  /** The address DTM calls for the action: {@code host:port/pkg.Service/Method}. */
  public String actionUrl() {
    return target + "/" + actionMethod;
  }

  /** The address DTM calls for the compensation, or empty when there is none. */
  public String compensateUrl() {
    return compensateMethod.isEmpty() ? "" : target + "/" + compensateMethod;
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SagaStep s && target.equals(s.target) && actionMethod.equals(s.actionMethod)
        && compensateMethod.equals(s.compensateMethod) && java.util.Arrays.equals(payload, s.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(target, actionMethod, compensateMethod, java.util.Arrays.hashCode(payload));
  }

  @Override
  public String toString() {
    return "SagaStep[" + actionUrl() + ", compensate=" + compensateUrl() + ", " + payload.length + " bytes]";
  }
}
