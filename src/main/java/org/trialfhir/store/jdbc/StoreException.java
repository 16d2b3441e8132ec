package org.trialfhir.store.jdbc;

/** The store's database failed (unreachable, out of space, a constraint our code should have kept); nothing of the
 * failed call was applied. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
