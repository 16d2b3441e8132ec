package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.EncodingEnum;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import ca.uhn.fhir.util.DateUtils;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.trialfhir.server.search.EntryStandIns;

/**
 * The UTF-8 encoding of stored resource versions, per type, id, version and {@link Format}, with the version's
 * {@code Last-Modified} header. A stored version never changes (the store gives a changed resource a new version), so
 * an entry never goes stale and nothing is invalidated; the cache is bounded by the bytes it holds, and evicts what is
 * least used first.
 */
final class EncodedResourceCache {

  /**
   * What an encoding depends on besides the resource: JSON or XML, indentation, and the server base the parser
   * relativises references and ids against (a client may reach the server under several host names).
   */
  record Format(EncodingEnum encoding, boolean pretty, String serverBase) {
    /**
     * The parser HAPI's {@code RestfulServerUtils.configureResponseParser} sets up for a request in this format
     * without {@code _summary}, {@code _elements} or {@code _count=0}.
     */
    IParser parser(FhirContext ctx) {
      IParser parser = encoding == EncodingEnum.XML ? ctx.newXmlParser() : ctx.newJsonParser();
      return parser.setPrettyPrint(pretty).setServerBaseUrl(serverBase);
    }
  }

  /** A version's encoding, and its {@code meta.lastUpdated} as HAPI writes it in {@code Last-Modified} (or null). */
  record Encoded(byte[] bytes, String lastModified) {}

  private record Key(String type, String id, String version, Format format) {}

  private final FhirContext ctx;
  private final Cache<Key, Encoded> encodings;

  EncodedResourceCache(FhirContext ctx, long maximumBytes) {
    this.ctx = ctx;
    this.encodings = Caffeine.newBuilder()
        .maximumWeight(maximumBytes)
        .weigher((Key key, Encoded encoded) -> encoded.bytes().length)
        .build();
  }

  /** Whether the resource names its version, which a stored one always does. */
  static boolean isVersioned(IBaseResource resource) {
    return resource.getIdElement().hasIdPart() && version(resource) != null;
  }

  /**
   * The resource encoded in the format, encoded now only if this version was not encoded in it before. The resource
   * must be a stored version unchanged (or a copy of one): the cache trusts type, id and version to stand for the
   * content.
   *
   * @throws IllegalArgumentException if the resource is not {@link #isVersioned versioned}
   */
  Encoded encoded(IBaseResource resource, Format format) {
    if (!isVersioned(resource)) {
      throw new IllegalArgumentException("only versioned resources are cached: " + resource.getIdElement());
    }
    Key key = new Key(resource.fhirType(), resource.getIdElement().getIdPart(), version(resource), format);
    return encodings.get(key, k -> {
      byte[] json = ReadStandIns.compactJson(resource, format);
      if (json != null) {
        return new Encoded(json, lastModified(resource));
      }
      // A stand-in fetches its stored version only now, when its encoding is not cached.
      IBaseResource stored = ReadStandIns.stored(EntryStandIns.stored(resource));
      return new Encoded(
          format.parser(ctx).encodeResourceToString(stored).getBytes(StandardCharsets.UTF_8), lastModified(stored));
    });
  }

  /** How many encodings are held (an estimate, as evictions may be pending). */
  long size() {
    return encodings.estimatedSize();
  }

  /** What {@code RestfulServerUtils.streamResponseAsResource} sends as {@code Last-Modified}, or null. */
  static String lastModified(IBaseResource resource) {
    Date lastUpdated = resource.getMeta().getLastUpdated();
    return lastUpdated == null ? null : DateUtils.formatDate(lastUpdated);
  }

  private static String version(IBaseResource resource) {
    String version = resource.getIdElement().getVersionIdPart();
    return version != null ? version : resource.getMeta().getVersionId();
  }
}
