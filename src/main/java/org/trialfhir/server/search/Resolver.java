package org.trialfhir.server.search;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.store.TrialStore;

/**
 * Resolves what a resource points at, through the store: literal references ({@code Group/NCT1-eligibility}, or
 * absolute with any base) and canonical URLs ({@code https://trialfhir.org/fhir/ActivityDefinition/NCT1-x|0.1}).
 */
public final class Resolver {

  /** Canonical URL → resource for one type, valid while the store returns the same list for that type. */
  private record UrlIndex(List<Resource> source, Map<String, Resource> byUrl) {}

  private final TrialStore store;
  private final Map<String, UrlIndex> urlIndexes = new ConcurrentHashMap<>();

  public Resolver(TrialStore store) {
    this.store = store;
  }

  public TrialStore store() {
    return store;
  }

  /** The resource a reference or canonical URL points at, if the store has it. */
  public Optional<Resource> resolve(String reference) {
    if (reference == null || reference.isEmpty() || reference.startsWith("#")) {
      return Optional.empty();
    }
    String bare = reference.contains("|") ? reference.substring(0, reference.indexOf('|')) : reference;
    IdType id = new IdType(bare);
    if (!id.hasResourceType() || !id.hasIdPart()) {
      return Optional.empty();
    }
    if (id.hasBaseUrl()) {
      Resource canonical = byUrl(id.getResourceType()).get(bare);
      if (canonical != null) {
        return Optional.of(canonical);
      }
    }
    return store.read(id.getResourceType(), id.getIdPart());
  }

  /**
   * The {@code Type/id} a reference names: resolved through the store when it can be (so a canonical URL gives the
   * id of the resource that has it), else read from the reference itself; null for what names no resource.
   */
  public String key(String reference) {
    Optional<Resource> resolved = resolve(reference);
    if (resolved.isPresent()) {
      return key(resolved.get());
    }
    if (reference == null || reference.startsWith("#")) {
      return null;
    }
    IdType id = new IdType(reference.contains("|") ? reference.substring(0, reference.indexOf('|')) : reference);
    return id.hasResourceType() && id.hasIdPart() ? id.getResourceType() + "/" + id.getIdPart() : null;
  }

  public static String key(Resource resource) {
    return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
  }

  private Map<String, Resource> byUrl(String type) {
    List<Resource> current = store.all(type);
    UrlIndex index = urlIndexes.get(type);
    if (index == null || index.source() != current) {
      Map<String, Resource> byUrl = new HashMap<>();
      for (Resource resource : current) {
        if (resource instanceof MetadataResource metadata && metadata.hasUrl()) {
          byUrl.putIfAbsent(metadata.getUrl(), resource);
        }
      }
      index = new UrlIndex(current, Map.copyOf(byUrl));
      urlIndexes.put(type, index);
    }
    return index.byUrl();
  }
}
