package io.seckill.consumer;

/**
 * One TCC branch of an order's global transaction: its DTM branch id ("01", "02", ...), a short
 * name for reasons and logs, the service's host:port, its full gRPC service name, and the request
 * bytes that Try, Confirm and Cancel all receive.
 */
public record Branch(String id, String name, String target, String service, byte[] payload) {
  /** The address DTM calls for {@code method}: {@code host:port/pkg.Service/Method}. */
  public String url(String method) {
    return target + "/" + service + "/" + method;
  }

  /** The gRPC full method name of {@code method}, e.g. {@code seckill.order.OrderService/Try}. */
  public String fullMethod(String method) {
    return service + "/" + method;
  }
}
