package org.trialfhir.server;

import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Set;

/**
 * Turns away, with an OperationOutcome, what the server does not let a request do, before HAPI picks a handler or
 * reads a body: writes when none are allowed (405, with an {@code Allow} header), writes without the right bearer
 * token (401/403, {@link WriteAccess}), patch and writes to the conformance resources (405 always), bodies over
 * {@link #MAX_BODY_BYTES} (413), and bodies that are neither FHIR JSON, FHIR XML nor a search form (415), except the
 * plain-text registry records {@code $import-record} takes.
 *
 * <p>A write is a PUT, PATCH or DELETE, a POST to the base (batch/transaction) or to a type (create), and a POST of a
 * write operation ({@code $import-record}); searches ({@code _search}) and the other operations ({@code $validate})
 * only read and stay public.
 *
 * <p>Called from {@link TrialFhirServer#validateRequest} rather than as an interceptor: HAPI logs every exception an
 * interceptor throws as an error with its stack trace, and these are ordinary client mistakes.
 */
final class ReadOnlyRules {
  /** The largest request body accepted (a trial record or a transaction of one trial is far smaller). */
  static final long MAX_BODY_BYTES = 8L * 1024 * 1024;

  /** Operations that change the store, so need write access. */
  static final Set<String> WRITE_OPERATIONS = Set.of("$import-record");

  private static final Set<String> BODY_TYPES = Set.of(
      "application/fhir+json", "application/json", "application/json+fhir",
      "application/fhir+xml", "application/xml", "application/xml+fhir", "text/xml",
      "application/x-www-form-urlencoded");
  /** What {@code $import-record} takes besides FHIR and JSON: page text. */
  private static final Set<String> RECORD_TYPES = Set.of("text/plain");

  private final WriteAccess access;
  private final Set<String> writableTypes;
  private final Set<String> readOnlyTypes;

  /**
   * @param writableTypes the resource types that take create, update and delete when writes are allowed
   * @param readOnlyTypes the other resource types served
   */
  ReadOnlyRules(WriteAccess access, Set<String> writableTypes, Set<String> readOnlyTypes) {
    this.access = access;
    this.writableTypes = Set.copyOf(writableTypes);
    this.readOnlyTypes = Set.copyOf(readOnlyTypes);
  }

  /**
   * Checked before HAPI picks a handler and before anything reads a resource body. A refused request's body is not
   * read: {@link UnreadBodyFilter} drops what of it has arrived, and closes the connection when more is to come.
   */
  void check(HttpServletRequest request) {
    String path = withoutOuterSlashes(request.getPathInfo());
    String last = path.isEmpty() ? "" : path.substring(path.lastIndexOf('/') + 1);
    checkWrite(request.getMethod().toUpperCase(Locale.ROOT), path, last, request.getHeader("Authorization"));
    long length = request.getContentLengthLong();
    if (length > MAX_BODY_BYTES) {
      throw new PayloadTooLargeException(
          "The request body has " + length + " bytes; this server accepts at most " + MAX_BODY_BYTES);
    }
    String contentType = request.getContentType();
    if (length > 0 && contentType != null) {
      String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      boolean record = WRITE_OPERATIONS.contains(last) && RECORD_TYPES.contains(mediaType);
      if (!BODY_TYPES.contains(mediaType) && !record) {
        throw new UnsupportedMediaTypeException("The body's media type " + mediaType + " is not supported; send"
            + " application/fhir+json, application/fhir+xml or a search form"
            + (WRITE_OPERATIONS.contains(last) ? ", or a registry record as text/plain or application/json" : ""));
      }
    }
  }

  /** The path without leading and trailing slashes; by hand, as a regular expression here cost every GET. */
  private static String withoutOuterSlashes(String pathInfo) {
    if (pathInfo == null) {
      return "";
    }
    int from = 0;
    int to = pathInfo.length();
    while (from < to && pathInfo.charAt(from) == '/') {
      from++;
    }
    while (to > from && pathInfo.charAt(to - 1) == '/') {
      to--;
    }
    return pathInfo.substring(from, to);
  }

  private void checkWrite(String method, String path, String last, String authorization) {
    String what = write(method, path, last);
    if (what == null) {
      return;
    }
    if (!access.enabled()) {
      throw notAllowed("This server is read-only: " + what + " is not supported. Trial data is loaded at start-up"
          + " (serve --data DIR); writes need the server started with a write token (serve --write-token).",
          RequestTypeEnum.GET, RequestTypeEnum.POST);
    }
    String type = path.isEmpty() ? "" : path.split("/", 2)[0];
    boolean instance = path.contains("/");
    if ("PATCH".equals(method)) {
      throw notAllowed("Patch is not supported: send the whole resource with PUT.",
          RequestTypeEnum.GET, RequestTypeEnum.PUT, RequestTypeEnum.DELETE);
    }
    if (readOnlyTypes.contains(type)) {
      // Conformance resources are read-only: the validator's chain is built once from profiles/ and mappings/, so
      // a stored change would make what the server serves disagree with what it validates against.
      throw notAllowed(type + " is read-only on this server: " + what + " is not supported. Writable types: "
          + writableTypes.stream().sorted().toList() + ".", RequestTypeEnum.GET, RequestTypeEnum.POST);
    }
    access.authorize(authorization);
    if (WRITE_OPERATIONS.contains(last)) {
      return;
    }
    if (instance && "POST".equals(method)) {
      throw notAllowed("POST to a resource instance is not an interaction; use PUT to update.",
          RequestTypeEnum.GET, RequestTypeEnum.PUT, RequestTypeEnum.DELETE);
    }
    if (!instance && !type.isEmpty() && !"POST".equals(method)) {
      throw notAllowed("Conditional " + what + " (without an id in the URL) is not supported: name the resource,"
          + " " + type + "/[id].", RequestTypeEnum.GET, RequestTypeEnum.POST);
    }
  }

  /**
   * What a write is called in messages, or null for a read: PUT, PATCH and DELETE anywhere, a POST to the base or a
   * type, and a POST of a write operation.
   */
  private static String write(String method, String path, String last) {
    return switch (method) {
      case "PUT" -> "update (PUT)";
      case "PATCH" -> "patch (PATCH)";
      case "DELETE" -> "delete (DELETE)";
      case "POST" -> {
        if (WRITE_OPERATIONS.contains(last)) {
          yield last;
        }
        yield last.startsWith("$") || last.equals("_search") ? null
            : path.isEmpty() ? "batch and transaction (POST to the base)" : "create (POST " + path + ")";
      }
      default -> null;
    };
  }

  private static MethodNotAllowedException notAllowed(String message, RequestTypeEnum... allowed) {
    MethodNotAllowedException e = new MethodNotAllowedException(message);
    e.setAllowedMethods(allowed);
    return e;
  }

  /** 415: HAPI has no exception class of its own for it. */
  static final class UnsupportedMediaTypeException extends BaseServerResponseException {
    private static final long serialVersionUID = 1L;

    UnsupportedMediaTypeException(String message) {
      super(415, message);
    }
  }
}
