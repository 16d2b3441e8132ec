package org.trialfhir.server;

import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Who may write: nobody ({@link #off()}, the server is read-only), or whoever sends {@code Authorization: Bearer
 * <token>} with the token the server was started with. Reads are public either way.
 *
 * <p>Only the token's SHA-256 digest is kept, and a presented token is compared by digest with
 * {@link MessageDigest#isEqual} (constant time, and equal-length inputs whatever the token's length), so neither the
 * comparison's timing nor a heap dump gives the token away. No message ever contains a presented token.
 */
public final class WriteAccess {
  /** What a 401 answer asks for in {@code WWW-Authenticate}. */
  static final String CHALLENGE = "Bearer realm=\"trialfhir\"";

  private static final String BEARER = "bearer ";

  private final byte[] tokenDigest;

  private WriteAccess(byte[] tokenDigest) {
    this.tokenDigest = tokenDigest;
  }

  /** Writes are off: every write answers 405. */
  public static WriteAccess off() {
    return new WriteAccess(null);
  }

  /**
   * Writes need this bearer token; null or blank means writes are off.
   *
   * @throws IllegalArgumentException if the token holds characters an HTTP header cannot carry
   */
  public static WriteAccess withToken(String token) {
    if (token == null || token.isBlank()) {
      return off();
    }
    String trimmed = token.strip();
    if (!trimmed.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
      throw new IllegalArgumentException("the write token must be printable ASCII without spaces");
    }
    return new WriteAccess(sha256(trimmed));
  }

  public boolean enabled() {
    return tokenDigest != null;
  }

  /**
   * Lets a write through or throws: 401 (with a Bearer challenge) when the request carries no bearer token, 403 when
   * it carries another one. Only called when writes are {@link #enabled()}.
   */
  void authorize(String authorization) {
    if (authorization == null || !authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)
        || authorization.substring(BEARER.length()).isBlank()) {
      AuthenticationException e = new AuthenticationException(
          "Writes need an 'Authorization: Bearer <token>' header with the server's write token");
      e.addResponseHeader("WWW-Authenticate", CHALLENGE);
      throw e;
    }
    byte[] presented = sha256(authorization.substring(BEARER.length()).strip());
    if (!MessageDigest.isEqual(tokenDigest, presented)) {
      throw new ForbiddenOperationException("The bearer token does not allow writes on this server");
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
