package org.trialfhir.server;

import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.Set;

/**
 * Turns away, with an OperationOutcome, what a read-only server cannot do: create, update, patch, delete,
 * batch and transaction (405, with an {@code Allow} header), bodies over {@link #MAX_BODY_BYTES} (413), and bodies
 * that are neither FHIR JSON, FHIR XML nor a search form (415). Searches ({@code _search}) and operations
 * ({@code $validate}) may still POST.
 *
 * <p>Called from {@link TrialFhirServer#validateRequest} rather than as an interceptor: HAPI logs every exception an
 * interceptor throws as an error with its stack trace, and these are ordinary client mistakes.
 */
final class ReadOnlyRules {
  /** The largest request body accepted (a resource to validate is far smaller). */
  static final long MAX_BODY_BYTES = 8L * 1024 * 1024;

  private static final Set<String> BODY_TYPES = Set.of(
      "application/fhir+json", "application/json", "application/json+fhir",
      "application/fhir+xml", "application/xml", "application/xml+fhir", "text/xml",
      "application/x-www-form-urlencoded");

  private ReadOnlyRules() {}

  /** Checked before HAPI picks a handler and before anything reads a resource body. */
  static void check(HttpServletRequest request) {
    rejectWrites(request.getMethod().toUpperCase(Locale.ROOT), request.getPathInfo());
    long length = request.getContentLengthLong();
    if (length > MAX_BODY_BYTES) {
      throw new PayloadTooLargeException(
          "The request body has " + length + " bytes; this server accepts at most " + MAX_BODY_BYTES);
    }
    String contentType = request.getContentType();
    if (length > 0 && contentType != null) {
      String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      if (!BODY_TYPES.contains(mediaType)) {
        throw new UnsupportedMediaTypeException("The body's media type " + mediaType
            + " is not supported; send application/fhir+json, application/fhir+xml or a search form");
      }
    }
  }

  /**
   * PUT, PATCH and DELETE anywhere, and a POST that is neither a search ({@code [type]/_search}) nor an operation
   * (last path segment {@code $name}): create ({@code POST [type]}) or batch/transaction ({@code POST [base]}).
   */
  private static void rejectWrites(String method, String pathInfo) {
    if (method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS")) {
      return;
    }
    String path = pathInfo == null ? "" : pathInfo.replaceAll("^/+|/+$", "");
    String last = path.isEmpty() ? "" : path.substring(path.lastIndexOf('/') + 1);
    String what = switch (method) {
      case "PUT" -> "update (PUT)";
      case "PATCH" -> "patch (PATCH)";
      case "DELETE" -> "delete (DELETE)";
      case "POST" -> last.startsWith("$") || last.equals("_search") ? null
          : path.isEmpty() ? "batch and transaction (POST to the base)" : "create (POST " + path + ")";
      default -> null;
    };
    if (what != null) {
      MethodNotAllowedException e = new MethodNotAllowedException("This server is read-only: " + what
          + " is not supported. Trial data is loaded at start-up (serve --data DIR).");
      e.setAllowedMethods(RequestTypeEnum.GET, RequestTypeEnum.POST);
      throw e;
    }
  }

  /** 415: HAPI has no exception class of its own for it. */
  static final class UnsupportedMediaTypeException extends BaseServerResponseException {
    private static final long serialVersionUID = 1L;

    UnsupportedMediaTypeException(String message) {
      super(415, message);
    }
  }
}
