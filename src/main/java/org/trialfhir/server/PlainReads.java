package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.RestfulServerUtils.ResponseEncoding;
import ca.uhn.fhir.rest.server.ServletRequestTracing;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.UrlUtil;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.mapping.ResourceIds;
import org.trialfhir.server.search.EntryStandIns;
import org.trialfhir.store.TrialStore;

/**
 * Answers a plain read, {@code GET /fhir/[type]/[id]} of a current version in compact JSON, before HAPI's
 * {@code RestfulServer} sees the request ({@link PlainReadFilter} asks): the same status, headers and bytes HAPI's read
 * sends, from the same {@link EncodedResourceCache} and through the same {@link CachedResponseInterceptor#send}.
 *
 * <p>Why: such a read was already answered from cached or stored bytes, yet spent most of its CPU in HAPI's request
 * handling (parsing the URL and parameters, choosing the method binding, invoking interceptors through reflection).
 *
 * <p>It answers only what it is sure HAPI would answer that way, and leaves everything else to HAPI unchanged: another
 * method, path, type or id form, any parameter but {@code _format}, a format HAPI would not answer as compact JSON
 * (decided by HAPI's own {@link RestfulServerUtils#determineResponseEncodingWithDefault}), a body or
 * {@code Content-Type} (HAPI may answer in the request's format), conditional reads ({@code If-None-Match},
 * {@code If-Modified-Since}: HAPI answers 304), and an id with no current version (404 and 410 are HAPI's). It
 * exists only while the server's interceptors are the ones it knows ({@link #KNOWN_INTERCEPTORS}), none of which acts
 * on such a read but the cached response it reproduces; another interceptor switches it off.
 */
final class PlainReads {
  /** The interceptors whose work on a plain read this class does or need not do. */
  static final Set<Class<?>> KNOWN_INTERCEPTORS =
      Set.of(EntryStandIns.class, ReadStandIns.class, CachedResponseInterceptor.class);

  private static final String SERVLET_PATH = "/fhir";
  private static final int MAX_ID_LENGTH = 64;

  private final TrialFhirServer server;
  private final FhirContext ctx;
  private final TrialStore store;
  private final EncodedResourceCache cache;
  private final Set<String> types;
  private final LongAdder answered = new LongAdder();
  private volatile boolean enabled = true;

  private PlainReads(TrialFhirServer server, TrialStore store, EncodedResourceCache cache, Set<String> types) {
    this.server = server;
    this.ctx = server.getFhirContext();
    this.store = store;
    this.cache = cache;
    this.types = Set.copyOf(types);
  }

  /**
   * Plain reads of these types (whose read is {@link ReadOnlyResourceProvider#read}), or empty when the server has an
   * interceptor this class does not know: it might act on a read, and answering here would bypass it.
   */
  static Optional<PlainReads> of(TrialFhirServer server, TrialStore store, EncodedResourceCache cache,
      Set<String> types) {
    List<Object> interceptors = server.getInterceptorService().getAllRegisteredInterceptors();
    boolean known = interceptors.stream().allMatch(i -> KNOWN_INTERCEPTORS.contains(i.getClass()));
    return known ? Optional.of(new PlainReads(server, store, cache, types)) : Optional.empty();
  }

  /** How many reads were answered here. */
  long answered() {
    return answered.sum();
  }

  /** Switches answering off (HAPI answers every read) or on again; for comparing the two. */
  void enable(boolean enable) {
    enabled = enable;
  }

  /** Answers the request and returns true, or returns false having touched nothing: HAPI is to answer it. */
  boolean answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (!enabled || !"GET".equals(request.getMethod()) || !bodiless(request)
        || request.getHeader(Constants.HEADER_IF_NONE_MATCH) != null
        || request.getHeader(Constants.HEADER_IF_MODIFIED_SINCE) != null) {
      return false;
    }
    String path = request.getRequestURI();
    int typeEnd = path.indexOf('/', SERVLET_PATH.length() + 1);
    if (!path.startsWith(SERVLET_PATH + "/") || !SERVLET_PATH.equals(request.getServletPath()) || typeEnd < 0
        || !request.getContextPath().isEmpty()) {
      return false;
    }
    String type = path.substring(SERVLET_PATH.length() + 1, typeEnd);
    String id = path.substring(typeEnd + 1);
    if (!types.contains(type) || !isPlainId(id)) {
      return false;
    }
    String query = request.getQueryString();
    // As HAPI parses a GET's parameters (not the container's parsing, which it ignores).
    Map<String, String[]> parameters = query == null || query.isBlank() ? Map.of() : UrlUtil.parseQueryString(query);
    if (!parameters.isEmpty() && (parameters.size() > 1 || !parameters.containsKey(Constants.PARAM_FORMAT))) {
      return false;
    }

    ServletRequestDetails details = new ServletRequestDetails(server.getInterceptorService());
    details.setServer(server);
    details.setServletRequest(request);
    details.setServletResponse(response);
    details.setRequestType(RequestTypeEnum.GET);
    details.setParameters(parameters);
    details.setResourceName(type);
    details.setId(new IdType(type, id));
    details.setRestOperationType(RestOperationTypeEnum.READ);
    ResponseEncoding encoding = RestfulServerUtils.determineResponseEncodingWithDefault(details);
    if (encoding.getEncoding() != EncodingEnum.JSON || RestfulServerUtils.prettyPrintResponse(server, details)) {
      return false;
    }
    Optional<Resource> standIn = ReadStandIns.current(ctx, store, type, id);
    if (standIn.isEmpty()) {
      return false;
    }
    details.setFhirServerBase(server.getServerBaseForRequest(details));
    details.setRespondGzip(acceptsGzip(request));
    EncodedResourceCache.Encoded encoded =
        cache.encoded(standIn.get(), new EncodedResourceCache.Format(EncodingEnum.JSON, false,
            details.getFhirServerBase()));

    // From here on as RestfulServer.handleRequest and the read's binding, up to the cached response.
    String requestId = requestId(request);
    details.setRequestId(requestId);
    details.getResponse().addHeader(requestIdHeader(request), requestId);
    answered.increment();
    CachedResponseInterceptor.send(details, new ResponseDetails(Constants.STATUS_HTTP_200_OK, standIn.get()),
        encoding, encoded.bytes(), encoded.lastModified(), true);
    return true;
  }

  /** No body and nothing that says there is one, so HAPI's checks of bodies (size, media type) cannot apply. */
  private static boolean bodiless(HttpServletRequest request) {
    return request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null
        && request.getHeader(Constants.HEADER_CONTENT_TYPE) == null
        && request.getHeader(Constants.HEADER_CONTENT_ENCODING) == null;
  }

  /**
   * An id as FHIR allows it, so that the raw path is the id HAPI would read, with nothing to unescape (no "%"),
   * no further segment and no path parameter.
   */
  private static boolean isPlainId(String id) {
    return ResourceIds.hasIdCharacters(id, MAX_ID_LENGTH);
  }

  /** As {@code RestfulServer.handleRequest} decides it. */
  private static boolean acceptsGzip(HttpServletRequest request) {
    String acceptEncoding = request.getHeader(Constants.HEADER_ACCEPT_ENCODING);
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.trim().split("\\s*,\\s*")) {
      if (part.equals("gzip")) {
        return true;
      }
    }
    return false;
  }

  /** As {@code RestfulServer.getOrCreateRequestId}: the client's, if it is usable, or a new one. */
  private String requestId(HttpServletRequest request) {
    String requestId = ServletRequestTracing.maybeGetRequestId(request);
    return requestId == null || requestId.isBlank() ? server.newRequestId(Constants.REQUEST_ID_LENGTH) : requestId;
  }

  /** As {@code RestfulServer.addRequestIdToResponse}: named as the client named it. */
  private static String requestIdHeader(HttpServletRequest request) {
    if (request.getHeader(Constants.HEADER_REQUEST_ID) == null) {
      return Constants.HEADER_REQUEST_ID;
    }
    for (Enumeration<String> names = request.getHeaderNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      if (Constants.HEADER_REQUEST_ID.equalsIgnoreCase(name)) {
        return name;
      }
    }
    return Constants.HEADER_REQUEST_ID;
  }
}
