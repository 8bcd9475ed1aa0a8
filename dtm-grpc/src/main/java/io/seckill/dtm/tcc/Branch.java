package io.seckill.dtm.tcc;

import io.seckill.dtm.client.TccBranch;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One branch of a TCC transaction as the runner sees it: its DTM branch id ("01", "02", ...), a
 * short name for reasons and logs, and where its Try, Confirm and Cancel live with their payload.
 */
public record Branch(String id, String name, TccBranch call) {
  private static final Pattern ID = Pattern.compile("[0-9]{2}");

  /** Validates the id (two digits) and the name (non-blank). */
  public Branch {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("branch id must be two digits, got '" + id + "'");
    }
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("branch name must not be blank");
    }
    Objects.requireNonNull(call, "call");
  }

  /** The {@code n}-th branch (1-based) of a transaction: id {@code %02d}, service methods Try/Confirm/Cancel. */
  public static Branch of(int n, String name, String target, String service, byte[] payload) {
    if (n < 1 || n > 99) {
      throw new IllegalArgumentException("a TCC transaction has branches 1-99, got " + n);
    }
    return new Branch(String.format("%02d", n), name, TccBranch.of(target, service, payload));
  }
}
