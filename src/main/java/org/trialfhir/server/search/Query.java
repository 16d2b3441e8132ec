package org.trialfhir.server.search;

import ca.uhn.fhir.model.api.IQueryParameterAnd;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Resource;

/**
 * One search over the current resources of a type: the parameters a request gave ({@link #where}), then {@link #run}
 * with its {@code _sort}, {@code _include} and {@code _revinclude}, giving the matches as a pageable result.
 */
public final class Query {
  private final SearchParams params;
  private final String type;
  private final List<Predicate<Resource>> predicates = new ArrayList<>();

  Query(SearchParams params, String type) {
    this.params = params;
    this.type = type;
  }

  /** Adds a parameter's values (AND-ed repetitions of OR-ed lists); null, as HAPI passes when absent, adds nothing. */
  public Query where(String name, IQueryParameterAnd<?> values) {
    if (values != null && !values.getValuesAsQueryTokens().isEmpty()) {
      predicates.add(params.predicate(type, name, values));
    }
    return this;
  }

  /** Runs the search; the includes are resolved per page, when a page is read. */
  public SearchResults run(SortSpec sort, Set<Include> includes, Set<Include> revIncludes) {
    Comparator<Resource> order = sort == null ? null : comparator(sort);
    List<Resource> matches = new ArrayList<>();
    for (Resource resource : params.resolver().store().all(type)) {
      if (predicates.stream().allMatch(p -> p.test(resource))) {
        matches.add(resource);
      }
    }
    if (order != null) {
      matches.sort(order);
    }
    Includes resolver = new Includes(params, includes, revIncludes);
    return new SearchResults(matches, resolver.isEmpty() ? page -> List.of() : resolver::of);
  }

  private Comparator<Resource> comparator(SortSpec sort) {
    Comparator<Resource> comparator = null;
    for (SortSpec spec = sort; spec != null; spec = spec.getChain()) {
      Comparator<Resource> next = key(spec.getParamName(), spec.getOrder() == SortOrderEnum.DESC);
      comparator = comparator == null ? next : comparator.thenComparing(next);
    }
    return comparator;
  }

  /** Orders by the parameter's first value; resources without one come last in either direction. */
  private Comparator<Resource> key(String name, boolean descending) {
    ParamDef def = params.find(type, name).orElseThrow(() -> new InvalidRequestException(
        "_sort: " + type + " has no search parameter '" + name + "'; sortable: " + sortable()));
    Function<Resource, Comparable<Object>> key = sortKey(def);
    if (key == null) {
      throw new InvalidRequestException("_sort: " + name + " is a " + def.type().getCode()
          + " parameter, which cannot be sorted on; sortable: " + sortable());
    }
    Comparator<Comparable<Object>> values = Comparator.naturalOrder();
    return Comparator.comparing(key, Comparator.nullsLast(descending ? values.reversed() : values));
  }

  private List<String> sortable() {
    return params.of(type).values().stream().filter(d -> sortKey(d) != null).map(ParamDef::name).toList();
  }

  @SuppressWarnings("unchecked")
  private static Function<Resource, Comparable<Object>> sortKey(ParamDef def) {
    Function<Resource, ? extends Comparable<?>> key;
    if (def instanceof ParamDef.Str string && !string.words()) {
      key = r -> string.values().apply(r).stream().filter(Objects::nonNull).map(Text::fold).findFirst().orElse(null);
    } else if (def instanceof ParamDef.Token token) {
      key = r -> token.values().apply(r).stream().filter(Coded::hasCode).map(Coded::code).findFirst().orElse(null);
    } else if (def instanceof ParamDef.Date date) {
      key = r -> date.values().apply(r).stream().filter(Objects::nonNull).map(DateSpan::start).findFirst().orElse(null);
    } else if (def instanceof ParamDef.Uri uri) {
      key = r -> uri.values().apply(r).stream().findFirst().orElse(null);
    } else {
      return null;
    }
    return (Function<Resource, Comparable<Object>>) key;
  }
}
