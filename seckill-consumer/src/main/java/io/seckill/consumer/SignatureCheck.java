package io.seckill.consumer;

import io.seckill.auth.OrderSigning;
import io.seckill.auth.SecretFiles;
import io.seckill.proto.OrderMessage;
import io.seckill.proto.codec.Decoded;
import io.seckill.proto.codec.DlqReason;
import io.seckill.runtime.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a decoded record was signed by a producer holding a key of the keyring: the
 * HMAC in its headers ({@link OrderSigning#KEY_ID_HEADER}, {@link OrderSigning#SIGNATURE_HEADER})
 * must match the order's content, so nobody who can merely write to the topic can make an order,
 * and nobody can change one (its amount, its buyer) on the way. A refusal is poison
 * {@link DlqReason#BAD_SIGNATURE}.
 *
 * <p>With {@code consumer.require-signature=false} an unsigned record is accepted (producers that
 * do not sign yet), but a signed one is still checked: a present signature is never ignored. When
 * that mode also has no keyring, every signed record names a key the consumer does not know.
 */
public final class SignatureCheck {
  private static final Logger log = LoggerFactory.getLogger(SignatureCheck.class);
  /** Longest part of a header value quoted in a detail: the value is the producer's, not ours. */
  private static final int QUOTE_CHARS = 64;

  private final OrderSigning keyring;
  private final boolean required;

  /** A check over {@code keyring} (null: none) that refuses unsigned records when {@code required}. */
  SignatureCheck(OrderSigning keyring, boolean required) {
    if (required && keyring == null) {
      throw new IllegalArgumentException("a required signature needs a keyring");
    }
    this.keyring = keyring;
    this.required = required;
  }

  /**
   * The check {@code config} asks for: the keyring of {@code order-signing.keys-file}, which must
   * be readable when {@code consumer.require-signature} is true. Anything else warns loudly, once.
   */
  public static SignatureCheck fromConfig(ConsumerSettings config) {
    boolean required = config.requireSignature();
    Path file = config.orderSigningKeysFile();
    String env = String.join(" / ", config.envNames("order-signing.keys-file"));
    if (required) {
      return new SignatureCheck(load(file, env, true), true);
    }
    OrderSigning keyring = Files.exists(file) ? load(file, env, false) : null;
    log.warn("==================================================================================");
    log.warn("consumer.require-signature=false: UNSIGNED ORDER RECORDS ARE ACCEPTED. Anyone who can");
    log.warn("write to the topic can create orders with any buyer and amount. Development only.");
    if (keyring == null) {
      log.warn("No keyring at {} (order-signing.keys-file): signed records are refused as unknown keys.", file);
    }
    log.warn("==================================================================================");
    return new SignatureCheck(keyring, false);
  }

  private static OrderSigning load(Path file, String env, boolean required) {
    try {
      return OrderSigning.fromFile(file);
    } catch (SecretFiles.SecretException | IllegalArgumentException e) {
      throw new ConfigException("bad setting 'order-signing.keys-file' = '" + file + "' (env " + env + "): "
          + e.getMessage() + (required ? "; consumer.require-signature is true, so the keyring is needed"
          + " (`./seckill up` writes it)" : ""));
    }
  }

  /** True when unsigned records are refused. */
  public boolean required() {
    return required;
  }

  /** Throws {@link Poison.Rejected} (BAD_SIGNATURE) unless {@code headers} sign the decoded {@code order}. */
  void verify(Headers headers, Decoded.Valid order) {
    verify(headers, content(order));
  }

  /**
   * What the signature of a decoded record covers: its fields, with requestedAt as the producer
   * wrote it ("" when absent), not as the order carries it normalised.
   */
  static OrderSigning.Content content(Decoded.Valid decoded) {
    OrderMessage o = decoded.order();
    return new OrderSigning.Content(o.getOrderId(), o.getUserId(), o.getProductId(), o.getQuantity(),
        o.getCouponId(), o.getAmountCents(), decoded.requestedAtAsWritten());
  }

  /** Throws {@link Poison.Rejected} (BAD_SIGNATURE) unless {@code headers} sign {@code content}. */
  void verify(Headers headers, OrderSigning.Content content) {
    String keyId = text(headers, OrderSigning.KEY_ID_HEADER);
    String signature = text(headers, OrderSigning.SIGNATURE_HEADER);
    OrderSigning.Check check;
    if (keyId == null && signature == null) {
      check = OrderSigning.Check.UNSIGNED;
    } else if (keyring == null) {
      check = keyId == null || signature == null ? OrderSigning.Check.UNSIGNED : OrderSigning.Check.UNKNOWN_KEY;
    } else {
      check = keyring.verify(keyId, signature, content);
    }
    String refusal = refusal(check, required, keyId);
    if (refusal != null) {
      throw new Poison.Rejected(DlqReason.BAD_SIGNATURE, refusal);
    }
  }

  /**
   * The decision: why a record whose signature checked as {@code check} is refused, or null when
   * it is accepted. Only VALID passes, and UNSIGNED when signatures are not required.
   */
  static String refusal(OrderSigning.Check check, boolean required, String keyId) {
    return switch (check) {
      case VALID -> null;
      case UNSIGNED -> required ? "unsigned: the record lacks the " + OrderSigning.KEY_ID_HEADER + " or "
          + OrderSigning.SIGNATURE_HEADER + " header" : null;
      case UNKNOWN_KEY -> "unknown key: key id '" + quote(keyId) + "' is not in the keyring";
      case MISMATCH -> "mismatch: the signature (key id '" + quote(keyId)
          + "') does not match the order's content";
    };
  }

  /** The header's last value as UTF-8, or null when absent. */
  private static String text(Headers headers, String name) {
    Header h = headers == null ? null : headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** A producer's value made safe for a log line and a DLQ header: short, printable ASCII only. */
  private static String quote(String value) {
    if (value == null) {
      return "";
    }
    String cut = value.length() > QUOTE_CHARS ? value.substring(0, QUOTE_CHARS) + "..." : value;
    return cut.replaceAll("[^\\x20-\\x7E]", "?").replace('\'', '?');
  }
}
