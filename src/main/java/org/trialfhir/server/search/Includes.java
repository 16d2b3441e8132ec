package org.trialfhir.server.search;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Resource;

/**
 * Resolves {@code _include} (what a page's resources reference) and {@code _revinclude} (what references them)
 * through the reference parameters of {@link SearchParams}. {@code :iterate} applies an include again to what was
 * included, until nothing new comes; at most {@link #LIMIT} resources are included per page.
 */
final class Includes {
  static final int LIMIT = 1000;

  private final SearchParams params;
  private final List<Include> includes;
  private final List<Include> revIncludes;

  Includes(SearchParams params, Set<Include> includes, Set<Include> revIncludes) {
    this.params = params;
    this.includes = includes == null ? List.of() : List.copyOf(includes);
    this.revIncludes = revIncludes == null ? List.of() : List.copyOf(revIncludes);
    this.includes.forEach(this::definition);
    this.revIncludes.forEach(this::definition);
  }

  boolean isEmpty() {
    return includes.isEmpty() && revIncludes.isEmpty();
  }

  /** The resources to include with a page of matches, none of them a match of the page itself. */
  List<Resource> of(List<Resource> page) {
    Map<String, Resource> seen = new LinkedHashMap<>();
    page.forEach(r -> seen.put(Resolver.key(r), r));
    Map<String, Resource> included = new LinkedHashMap<>();
    List<Resource> frontier = page;
    boolean first = true;
    while (!frontier.isEmpty() && included.size() < LIMIT) {
      List<Resource> added = new ArrayList<>();
      for (Include include : includes) {
        if (first || include.isRecurse()) {
          forward(include, frontier, seen, included, added);
        }
      }
      for (Include include : revIncludes) {
        if (first || include.isRecurse()) {
          reverse(include, frontier, seen, included, added);
        }
      }
      frontier = added;
      first = false;
    }
    return new ArrayList<>(included.values());
  }

  private void forward(Include include, List<Resource> from, Map<String, Resource> seen,
      Map<String, Resource> included, List<Resource> added) {
    ParamDef.Ref def = definition(include);
    for (Resource resource : from) {
      if (!resource.fhirType().equals(include.getParamType())) {
        continue;
      }
      for (String reference : def.references().apply(resource)) {
        Optional<Resource> target = params.resolver().resolve(reference);
        if (target.isPresent() && targetAllowed(include, target.get())) {
          add(target.get(), seen, included, added);
        }
      }
    }
  }

  private void reverse(Include include, List<Resource> to, Map<String, Resource> seen,
      Map<String, Resource> included, List<Resource> added) {
    ParamDef.Ref def = definition(include);
    Set<String> targets = new HashSet<>();
    to.forEach(r -> targets.add(Resolver.key(r)));
    for (Resource candidate : params.resolver().store().all(include.getParamType())) {
      for (String reference : def.references().apply(candidate)) {
        String key = params.resolver().key(reference);
        if (key != null && targets.contains(key)) {
          add(candidate, seen, included, added);
          break;
        }
      }
    }
  }

  private static void add(
      Resource resource, Map<String, Resource> seen, Map<String, Resource> included, List<Resource> added) {
    String key = Resolver.key(resource);
    if (included.size() < LIMIT && seen.putIfAbsent(key, resource) == null) {
      included.put(key, resource);
      added.add(resource);
    }
  }

  private static boolean targetAllowed(Include include, Resource target) {
    String wanted = include.getParamTargetType();
    return wanted == null || wanted.isEmpty() || wanted.equals(target.fhirType());
  }

  private ParamDef.Ref definition(Include include) {
    Optional<ParamDef> def = params.find(include.getParamType(), include.getParamName());
    if (def.isEmpty() || !(def.get() instanceof ParamDef.Ref ref)) {
      throw new InvalidRequestException(
          "'" + include.getValue() + "' names no reference search parameter of " + include.getParamType());
    }
    return ref;
  }
}
