package io.seckill.runtime;

/** A missing or malformed setting; the message names the key and the environment variables that set it. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A config error with a message fit for an operator. */
  public ConfigException(String message) {
    super(message);
  }
}
