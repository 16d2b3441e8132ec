package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.server.search.EntryStandIns;
import org.trialfhir.store.StoredJson;
import org.trialfhir.store.TrialStore;

/**
 * Stand-ins for the current versions reads answer, and the interceptor that puts the stored resource in a stand-in's
 * place when HAPI is to encode the answer itself.
 *
 * <p>Why: a read whose version was not encoded before parsed the stored JSON into HAPI's model and encoded it again
 * (a study's narrative makes both slow, and the parse filled the heap the collector copies), though the JSON the store
 * keeps is, stamps aside, the very bytes HAPI sends for a compact JSON answer. A stand-in carries what HAPI needs
 * before it writes an answer (the versioned id for {@code If-None-Match} and {@code Content-Location}, and
 * {@code meta.lastUpdated} for {@code If-Modified-Since} and {@code Last-Modified}), all known from the store's view of
 * current versions without reading content. {@link CachedResponseInterceptor} then sends its cached encoding, or the
 * store's {@link StoredJson#compactJson} when the answer is compact JSON that nothing in HAPI's response encoding would
 * change; anything else (XML, pretty, {@code _summary}, {@code _elements}, other formats) gets the parsed resource.
 */
@Interceptor
final class ReadStandIns {
  private static final String SOURCE = ReadStandIns.class.getName() + ".source";

  /** Where a stand-in's version is in the store. */
  private record Source(TrialStore store, StoredJson json, String type, String id, int versionId) {
    Resource stored() {
      return store.vread(type, id, String.valueOf(versionId)).orElseThrow(() -> new IllegalStateException(
          type + "/" + id + "/_history/" + versionId + " was current a moment ago and is gone"));
    }
  }

  /**
   * A stand-in for the current version of the resource, or empty when it has none (never stored, or deleted) or the
   * store keeps no JSON: the caller then reads the resource itself.
   */
  static Optional<Resource> current(FhirContext ctx, TrialStore store, String type, String id) {
    if (!(store instanceof StoredJson json)) {
      return Optional.empty();
    }
    return json.currentVersion(type, id).map(current -> {
      Resource standIn = (Resource) ctx.getResourceDefinition(type).newInstance();
      String version = String.valueOf(current.versionId());
      // As the store stamps what it returns.
      standIn.setIdElement(new IdType(type, id, version));
      standIn.getMeta().setVersionId(version);
      standIn.getMeta().setLastUpdated(Date.from(current.lastUpdated()));
      standIn.setUserData(SOURCE, new Source(store, json, type, id, current.versionId()));
      return standIn;
    });
  }

  /** The stored resource a read's stand-in stands for (read now), or the resource itself if it is none. */
  static IBaseResource stored(IBaseResource resource) {
    return resource instanceof Resource r && r.getUserData(SOURCE) instanceof Source source
        ? source.stored() : resource;
  }

  /**
   * What HAPI would write for a read's stand-in in the format, from the store's JSON without parsing, or null: for
   * another format, for a resource that is no stand-in, and when HAPI's response parser would change the stored JSON.
   * It differs from the store's encoding in two ways, so the bytes are used only when neither can apply: it strips
   * versions from references ({@code _history}), and relativises references under the server's base (and prefixes
   * extension URLs that start with "/" with it).
   */
  static byte[] compactJson(IBaseResource resource, EncodedResourceCache.Format format) {
    if (format.encoding() != EncodingEnum.JSON || format.pretty()
        || !(resource instanceof Resource r) || !(r.getUserData(SOURCE) instanceof Source source)) {
      return null;
    }
    byte[] json = source.json().compactJson(source.type(), source.id(), source.versionId()).orElse(null);
    if (json == null || contains(json, "/_history/") || contains(json, "\"url\":\"/")
        || (format.serverBase() != null && contains(json, format.serverBase()))) {
      return null;
    }
    return json;
  }

  /** Puts the stored resource in place of a read's stand-in, for HAPI to encode. */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = EntryStandIns.ORDER)
  public void restore(ResponseDetails response) {
    IBaseResource resource = response.getResponseResource();
    if (resource != null) {
      response.setResponseResource(stored(resource));
    }
  }

  private static boolean contains(byte[] bytes, String text) {
    byte[] wanted = text.getBytes(StandardCharsets.UTF_8);
    if (wanted.length == 0) {
      return false;
    }
    outer:
    for (int i = 0, last = bytes.length - wanted.length; i <= last; i++) {
      for (int j = 0; j < wanted.length; j++) {
        if (bytes[i + j] != wanted[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
