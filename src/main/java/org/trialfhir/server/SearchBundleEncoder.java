package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.EncodingEnum;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;

/**
 * Encodes a search's Bundle with each entry's resource taken from the {@link EncodedResourceCache}. The Bundle's own
 * elements (id, meta, type, total, links, fullUrl, search mode) are written by {@link JsonSearchsetWriter} in JSON;
 * otherwise HAPI encodes the Bundle with a small placeholder resource in every entry, and each placeholder's text is
 * replaced by the cached encoding of the entry's resource.
 *
 * <p>Not for pretty-printed output: HAPI indents an entry's resource by its depth in the Bundle, cached text starts at
 * the margin.
 */
final class SearchBundleEncoder {
  /** Any id would do: a placeholder is found by its whole encoded text, which only an entry can hold. */
  private static final String PLACEHOLDER_ID = "trialfhir-cached-entry";

  private final FhirContext ctx;
  private final EncodedResourceCache cache;

  SearchBundleEncoder(FhirContext ctx, EncodedResourceCache cache) {
    this.ctx = ctx;
    this.cache = cache;
  }

  /** Whether every entry holds a stored resource version, so the whole Bundle can come from the cache. */
  static boolean isCacheable(Bundle bundle) {
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (!entry.hasResource() || !EncodedResourceCache.isVersioned(entry.getResource())) {
        return false;
      }
    }
    return true;
  }

  /** The Bundle encoded in the format (not pretty); it must be {@link #isCacheable cacheable}. */
  byte[] encode(Bundle bundle, EncodedResourceCache.Format format) {
    if (format.pretty()) {
      throw new IllegalArgumentException("pretty-printed Bundles are HAPI's to encode");
    }
    List<byte[]> resources = new ArrayList<>(bundle.getEntry().size());
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      resources.add(cache.encoded(entry.getResource(), format).bytes());
    }
    BundleSkeleton skeleton = format.encoding() == EncodingEnum.JSON && JsonSearchsetWriter.canWrite(bundle)
        ? JsonSearchsetWriter.skeleton(bundle)
        : hapiSkeleton(bundle, format.parser(ctx));
    return skeleton.fill(resources);
  }

  /** HAPI's encoding of the Bundle, with a hole where HAPI wrote each entry's placeholder. */
  private static BundleSkeleton hapiSkeleton(Bundle bundle, IParser parser) {
    String encoded = withPlaceholders(bundle, parser);
    String placeholder = parser.encodeResourceToString(placeholder());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
    int[] holes = new int[bundle.getEntry().size()];
    int from = 0;
    for (int i = 0; i < holes.length; i++) {
      // The placeholder's text cannot occur anywhere else: the Bundle holds no other resource, and its strings
      // (links, fullUrls) are escaped, so none can hold the placeholder's unescaped quotes or angle brackets.
      int at = encoded.indexOf(placeholder, from);
      if (at < 0) {
        throw new IllegalStateException("HAPI did not encode an entry's placeholder as " + placeholder);
      }
      bytes.writeBytes(encoded.substring(from, at).getBytes(StandardCharsets.UTF_8));
      holes[i] = bytes.size();
      from = at + placeholder.length();
    }
    bytes.writeBytes(encoded.substring(from).getBytes(StandardCharsets.UTF_8));
    return new BundleSkeleton(bytes.toByteArray(), holes);
  }

  /** The Bundle encoded with a placeholder for each entry's resource; the Bundle is left as it was. */
  private static String withPlaceholders(Bundle bundle, IParser parser) {
    List<Resource> resources = new ArrayList<>(bundle.getEntry().size());
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      resources.add(entry.getResource());
      entry.setResource(placeholder());
    }
    try {
      return parser.encodeResourceToString(bundle);
    } finally {
      for (int i = 0; i < resources.size(); i++) {
        bundle.getEntry().get(i).setResource(resources.get(i));
      }
    }
  }

  private static Basic placeholder() {
    Basic placeholder = new Basic();
    placeholder.setId(PLACEHOLDER_ID);
    return placeholder;
  }
}
