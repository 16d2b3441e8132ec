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
import org.trialfhir.server.search.IndexValues.Link;
import org.trialfhir.server.search.SearchIndex.Entry;
import org.trialfhir.server.search.SearchIndex.Hit;
import org.trialfhir.server.search.SearchIndex.TypeIndex;
import org.trialfhir.server.search.SearchIndex.View;

/**
 * Resolves {@code _include} (what a page's resources reference) and {@code _revinclude} (what references them)
 * through the reference parameters of {@link SearchParams}, on the values of the {@link SearchIndex}.
 * {@code :iterate} applies an include again to what was included, until nothing new comes; at most {@link #LIMIT}
 * resources are included per page.
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
  List<Hit> of(List<Hit> page, View view) {
    Map<String, Hit> seen = new LinkedHashMap<>();
    page.forEach(hit -> seen.put(hit.key(), hit));
    Map<String, Hit> included = new LinkedHashMap<>();
    List<Hit> frontier = page;
    boolean first = true;
    while (!frontier.isEmpty() && included.size() < LIMIT) {
      List<Hit> added = new ArrayList<>();
      for (Include include : includes) {
        if (first || include.isRecurse()) {
          forward(include, frontier, view, seen, included, added);
        }
      }
      for (Include include : revIncludes) {
        if (first || include.isRecurse()) {
          reverse(include, frontier, view, seen, included, added);
        }
      }
      frontier = added;
      first = false;
    }
    return new ArrayList<>(included.values());
  }

  private void forward(Include include, List<Hit> from, View view, Map<String, Hit> seen, Map<String, Hit> included,
      List<Hit> added) {
    ParamDef.Ref def = definition(include);
    String wanted = include.getParamTargetType();
    SearchIndex index = params.index();
    for (Hit hit : from) {
      if (!hit.type().type.equals(include.getParamType())) {
        continue;
      }
      for (Link link : (Link[]) view.values(hit.type(), def, hit.ordinal(), hit.entry())) {
        int ordinal = view.resolve(link);
        if (ordinal >= 0 && (wanted == null || wanted.isEmpty() || wanted.equals(link.type))) {
          TypeIndex target = index.type(link.type);
          add(new Hit(target, ordinal, view.entry(target, ordinal)), seen, included, added);
        }
      }
    }
  }

  private void reverse(Include include, List<Hit> to, View view, Map<String, Hit> seen, Map<String, Hit> included,
      List<Hit> added) {
    ParamDef.Ref def = definition(include);
    Set<String> targets = new HashSet<>();
    to.forEach(hit -> targets.add(hit.key()));
    TypeIndex candidates = params.index().type(include.getParamType());
    SearchIndex.Values references = view.values(candidates, def);
    for (int ordinal = 0, count = candidates.entries.count(); ordinal < count; ordinal++) {
      Entry entry = view.entry(candidates, ordinal);
      if (entry == null || entry.deleted()) {
        continue;
      }
      for (Link link : (Link[]) references.of(ordinal, entry)) {
        String key = view.key(link);
        if (key != null && targets.contains(key)) {
          add(new Hit(candidates, ordinal, entry), seen, included, added);
          break;
        }
      }
    }
  }

  private static void add(Hit hit, Map<String, Hit> seen, Map<String, Hit> included, List<Hit> added) {
    String key = hit.key();
    if (included.size() < LIMIT && seen.putIfAbsent(key, hit) == null) {
      included.put(key, hit);
      added.add(hit);
    }
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
