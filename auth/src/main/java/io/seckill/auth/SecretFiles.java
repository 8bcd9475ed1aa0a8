package io.seckill.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the secret files the launcher writes (mode 0600) or a deployment mounts. */
public final class SecretFiles {
  /** Largest secret file read: keys and tokens are small, anything bigger is a mistake. */
  static final int MAX_BYTES = 64 * 1024;

  private SecretFiles() {}

  /** A secret file that could not be read or holds nothing; the message names the file. */
  public static final class SecretException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SecretException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The bytes of a base64url secret file (the launcher's format for keys). */
  public static byte[] readBase64Url(Path file, String what) {
    String text = read(file, what);
    try {
      return java.util.Base64.getUrlDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new SecretException(what + " file " + file + " is not base64url", e);
    }
  }

  /** The file's text without surrounding white space; it must exist and not be empty. */
  public static String read(Path file, String what) {
    byte[] bytes;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new SecretException(what + " file " + file + " is larger than " + MAX_BYTES + " bytes", null);
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new SecretException(what + " file " + file + " cannot be read: " + e.getMessage(), e);
    }
    String text = new String(bytes, StandardCharsets.UTF_8).strip();
    if (text.isEmpty()) {
      throw new SecretException(what + " file " + file + " is empty", null);
    }
    return text;
  }
}
