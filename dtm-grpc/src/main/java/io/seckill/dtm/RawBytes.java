package io.seckill.dtm;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A gRPC marshaller that passes a message's bytes through undecoded: the DTM client sends the
 * branch requests DTM stores and replays, and tests and the bench drive methods by name without
 * their generated stubs.
 */
public final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {
  /** The one instance (it holds no state). */
  public static final RawBytes MARSHALLER = new RawBytes();

  private RawBytes() {}

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      return stream.readAllBytes();
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("cannot read a message").withCause(e).asRuntimeException();
    }
  }
}
