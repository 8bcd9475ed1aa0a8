package io.seckill.runtime;

import java.sql.SQLException;

/** Recognises MySQL/MariaDB duplicate-key errors (1062) however MyBatis wrapped them. */
public final class DuplicateKeys {
  private static final int ER_DUP_ENTRY = 1062;

  private DuplicateKeys() {
  }

  /** The duplicate-key SQLException in {@code error}'s causes (its message names the key), or null. */
  public static SQLException violated(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SQLException sql && sql.getErrorCode() == ER_DUP_ENTRY) {
        return sql;
      }
    }
    return null;
  }
}
