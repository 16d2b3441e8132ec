package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.IRestfulResponse;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.RestfulServerUtils.ResponseEncoding;
import ca.uhn.fhir.rest.server.method.ElementsParameter;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.trialfhir.server.search.EntryStandIns;

/**
 * Answers reads, vreads and searches with encodings from an {@link EncodedResourceCache} instead of encoding every
 * resource for every request. It runs when HAPI is about to write a response (after the provider found the resources,
 * HAPI built the search Bundle and answered {@code If-None-Match} with 304), writes the body itself with the headers
 * HAPI's {@code RestfulServerUtils.streamResponseAsResource} would send (Content-Type with charset, ETag,
 * Last-Modified, Content-Location, gzip), and tells HAPI the response is done. It runs before
 * {@link EntryStandIns} puts the stored resources into a search's Bundle: a cached entry needs only its versioned id,
 * and the stored version is fetched only for an encoding not cached yet. A read answers a {@link ReadStandIns}
 * stand-in, whose compact JSON encoding comes from the store's JSON without a parse.
 *
 * <p>Everything else goes on to HAPI's own encoding: {@code _summary}, {@code _elements}, {@code _count=0},
 * formats other than JSON and XML, pretty-printed searches, operations, the CapabilityStatement and errors.
 *
 * <p>It relies on read, vread and search answering stored versions unchanged, as the providers do: a resource's
 * type, id and version stand for its content.
 */
@Interceptor
final class CachedResponseInterceptor {
  private static final Set<SummaryEnum> NO_SUMMARY = Set.of(SummaryEnum.FALSE);

  private final EncodedResourceCache cache;
  private final SearchBundleEncoder bundles;

  CachedResponseInterceptor(FhirContext ctx, long maximumBytes) {
    this.cache = new EncodedResourceCache(ctx, maximumBytes);
    this.bundles = new SearchBundleEncoder(ctx, cache);
  }

  /** The encodings it answers from, which {@link PlainReads} answers from too. */
  EncodedResourceCache cache() {
    return cache;
  }

  /** How many encodings the cache holds (an estimate). */
  long encodings() {
    return cache.size();
  }

  /** Writes the response from the cache and returns false (HAPI writes nothing more), or returns true to let HAPI. */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = EntryStandIns.ORDER - 1)
  public boolean respondFromCache(ServletRequestDetails request, ResponseDetails response) throws IOException {
    IBaseResource resource = response.getResponseResource();
    RestOperationTypeEnum operation = request.getRestOperationType();
    if (resource == null || operation == null || response.getResponseCode() != Constants.STATUS_HTTP_200_OK
        || !asStored(request)) {
      return true;
    }
    ResponseEncoding encoding = RestfulServerUtils.determineResponseEncodingWithDefault(request);
    if (encoding.getEncoding() != EncodingEnum.JSON && encoding.getEncoding() != EncodingEnum.XML) {
      return true;
    }
    EncodedResourceCache.Format format = new EncodedResourceCache.Format(encoding.getEncoding(),
        RestfulServerUtils.prettyPrintResponse(request.getServer(), request), request.getFhirServerBase());
    switch (operation) {
      case READ, VREAD -> {
        if (!EncodedResourceCache.isVersioned(resource)) {
          return true;
        }
        EncodedResourceCache.Encoded encoded = cache.encoded(resource, format);
        send(request, response, encoding, encoded.bytes(), encoded.lastModified(), true);
      }
      case SEARCH_TYPE, GET_PAGE -> {
        if (format.pretty() || !(resource instanceof Bundle bundle) || !SearchBundleEncoder.isCacheable(bundle)) {
          return true;
        }
        // HAPI's search binding sends no Content-Location; a page of a stored search names its Bundle.
        send(request, response, encoding, bundles.encode(bundle, format), EncodedResourceCache.lastModified(bundle),
            operation == RestOperationTypeEnum.GET_PAGE);
      }
      default -> {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the request asks for resources as stored: no {@code _summary}, {@code _elements} or {@code _count=0},
   * each of which changes what HAPI's parser encodes.
   */
  private static boolean asStored(ServletRequestDetails request) {
    String[] count = request.getParameters().get(Constants.PARAM_COUNT);
    return NO_SUMMARY.equals(RestfulServerUtils.determineSummaryMode(request))
        && ElementsParameter.getElementsValueOrNull(request, false) == null
        && ElementsParameter.getElementsValueOrNull(request, true) == null
        && (count == null || count.length == 0 || !"0".equals(count[0]));
  }

  /** The headers and body {@code RestfulServerUtils.streamResponseAsResource} would send for this resource. */
  static void send(ServletRequestDetails request, ResponseDetails details, ResponseEncoding encoding,
      byte[] body, String lastModified, boolean contentLocation) throws IOException {
    IBaseResource resource = details.getResponseResource();
    IRestfulResponse response = request.getResponse();
    IIdType fullId = RestfulServerUtils.fullyQualifyResourceIdOrReturnNull(
        request.getServer(), resource, request.getFhirServerBase(), resource.getIdElement());
    if (contentLocation && fullId != null) {
      if (request.getRequestType() == RequestTypeEnum.POST) {
        response.addHeader(Constants.HEADER_LOCATION, fullId.getValue());
      }
      response.addHeader(Constants.HEADER_CONTENT_LOCATION, fullId.getValue());
    }
    RestOperationTypeEnum operation = request.getRestOperationType();
    if (operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD) {
      String version = fullId != null && fullId.hasVersionIdPart()
          ? fullId.getVersionIdPart() : resource.getMeta().getVersionId();
      if (version != null && !version.isBlank()) {
        response.addHeader(Constants.HEADER_ETAG, RestfulServerUtils.createEtag(version));
      }
    }
    if (lastModified != null) {
      response.addHeader(Constants.HEADER_LAST_MODIFIED, lastModified);
    }
    boolean gzip = request.isRespondGzip();
    if (gzip) {
      response.addHeader(Constants.HEADER_CONTENT_ENCODING, Constants.ENCODING_GZIP);
    }
    OutputStream out = response.getResponseOutputStream(
        details.getResponseCode(), encoding.getResourceContentType(), gzip ? null : body.length);
    // HAPI clears the charset for a byte stream; these bytes are UTF-8, as HAPI's encoded text would be.
    request.getServletResponse().setCharacterEncoding(Constants.CHARSET_NAME_UTF8);
    if (gzip) {
      out = new GZIPOutputStream(out);
    }
    out.write(body);
    response.commitResponse(out);
  }
}
