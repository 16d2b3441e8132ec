package org.trialfhir.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.hl7.fhir.r4.model.BackboneElement;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Element;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.PrimitiveType;

/**
 * Writes a search's Bundle in compact JSON exactly as HAPI's JSON parser does, leaving a hole for each entry's
 * resource. HAPI's parser took half of a 20-result search to encode the Bundle's own few elements around the cached
 * resources; a searchset's elements are few and fixed, so they are written here with Jackson (which HAPI's parser
 * writes with too). {@link #canWrite} accepts only what HAPI's search sets (id, meta.lastUpdated, type, total, links
 * with relation and url, entries with fullUrl, resource and search.mode); any other Bundle is HAPI's to encode.
 */
final class JsonSearchsetWriter {
  private static final JsonFactory JSON = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  private JsonSearchsetWriter() {}

  /**
   * Whether the Bundle holds nothing but what {@link #skeleton} writes. Every other element of Bundle, Meta,
   * Bundle.link, Bundle.entry and Bundle.entry.search in R4 is checked by name, and each primitive written for its
   * own id and extensions.
   */
  static boolean canWrite(Bundle bundle) {
    if (bundle.hasIdentifier() || bundle.hasTimestamp() || bundle.hasSignature() || bundle.hasImplicitRules()
        || bundle.hasLanguage() || !plain(bundle.getIdElement()) || !plain(bundle.getTypeElement())
        || !plain(bundle.getTotalElement())) {
      return false;
    }
    if (bundle.hasMeta()) {
      Meta meta = bundle.getMeta();
      if (meta.hasVersionId() || meta.hasSource() || meta.hasProfile() || meta.hasSecurity() || meta.hasTag()
          || !plainElement(meta) || !plain(meta.getLastUpdatedElement())) {
        return false;
      }
    }
    for (Bundle.BundleLinkComponent link : bundle.getLink()) {
      if (!plainElement(link) || !plain(link.getRelationElement()) || !plain(link.getUrlElement())) {
        return false;
      }
    }
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      if (entry.hasLink() || entry.hasRequest() || entry.hasResponse() || !plainElement(entry)
          || !plain(entry.getFullUrlElement())) {
        return false;
      }
      if (entry.hasSearch()) {
        Bundle.BundleEntrySearchComponent search = entry.getSearch();
        if (search.hasScore() || !plainElement(search) || !plain(search.getModeElement())) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * The Bundle ({@link #canWrite writable}) in compact JSON, with a hole for each entry's resource, written as
   * HAPI's JSON parser writes it: the same elements in the same order, Jackson's escaping.
   */
  static BundleSkeleton skeleton(Bundle bundle) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + 160 * bundle.getEntry().size());
    int[] holes = new int[bundle.getEntry().size()];
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("resourceType", "Bundle");
      if (bundle.getIdElement().hasIdPart()) {
        json.writeStringField("id", bundle.getIdElement().getIdPart());
      }
      if (bundle.hasMeta() && bundle.getMeta().hasLastUpdated()) {
        json.writeObjectFieldStart("meta");
        json.writeStringField("lastUpdated", bundle.getMeta().getLastUpdatedElement().getValueAsString());
        json.writeEndObject();
      }
      if (bundle.hasType()) {
        json.writeStringField("type", bundle.getTypeElement().getValueAsString());
      }
      if (bundle.hasTotal()) {
        json.writeNumberField("total", bundle.getTotal());
      }
      if (bundle.hasLink()) {
        json.writeArrayFieldStart("link");
        for (Bundle.BundleLinkComponent link : bundle.getLink()) {
          json.writeStartObject();
          writeIfPresent(json, "relation", link.getRelationElement());
          writeIfPresent(json, "url", link.getUrlElement());
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      if (bundle.hasEntry()) {
        json.writeArrayFieldStart("entry");
        for (int i = 0; i < holes.length; i++) {
          Bundle.BundleEntryComponent entry = bundle.getEntry().get(i);
          json.writeStartObject();
          writeIfPresent(json, "fullUrl", entry.getFullUrlElement());
          json.writeFieldName("resource");
          // An empty raw value makes Jackson write the separator; the resource's encoding goes right after it.
          json.writeRawValue("");
          json.flush();
          holes[i] = out.size();
          if (entry.hasSearch() && entry.getSearch().hasMode()) {
            json.writeObjectFieldStart("search");
            json.writeStringField("mode", entry.getSearch().getModeElement().getValueAsString());
            json.writeEndObject();
          }
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory does not fail", e);
    }
    return new BundleSkeleton(out.toByteArray(), holes);
  }

  private static void writeIfPresent(JsonGenerator json, String name, PrimitiveType<?> value) throws IOException {
    if (value.hasValue()) {
      json.writeStringField(name, value.getValueAsString());
    }
  }

  /** An element without an element id, extensions or modifier extensions, which this writer would drop. */
  private static boolean plainElement(Element element) {
    return element.getId() == null && !element.hasExtension()
        && !(element instanceof BackboneElement backbone && backbone.hasModifierExtension());
  }

  /** A primitive with neither an element id nor extensions, which this writer would drop. */
  private static boolean plain(PrimitiveType<?> value) {
    return !value.hasExtension() && value.getId() == null;
  }
}
