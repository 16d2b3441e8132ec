package org.trialfhir.server.search;

import ca.uhn.fhir.model.api.IQueryParameterAnd;
import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.trialfhir.server.search.IndexValues.Tok;
import org.trialfhir.server.search.SearchIndex.Entry;
import org.trialfhir.server.search.SearchIndex.TypeIndex;
import org.trialfhir.server.search.SearchIndex.View;
import org.trialfhir.store.OrderedVersions;

/**
 * One search over the current resources of a type: the parameters a request gave ({@link #where}), then {@link #run}
 * with its {@code _sort}, {@code _include} and {@code _revinclude}, giving the matches as a pageable result. It runs
 * on the {@link SearchIndex}: the values of every resource are tested as stored there, in first-stored order.
 */
public final class Query {
  private final SearchParams params;
  private final String type;
  private final List<Predicates.Filter> filters = new ArrayList<>();
  private final SearchKey key;

  /** One level of {@code _sort}: the parameter and the direction. */
  private record SortKey(ParamDef def, boolean descending) {}

  Query(SearchParams params, String type) {
    this.params = params;
    this.type = type;
    this.key = new SearchKey(type);
  }

  /** Adds a parameter's values (AND-ed repetitions of OR-ed lists); null, as HAPI passes when absent, adds nothing. */
  public Query where(String name, IQueryParameterAnd<?> values) {
    if (values != null && !values.getValuesAsQueryTokens().isEmpty()) {
      filters.add(params.filter(type, name, values));
      key.add(name, values);
    }
    return this;
  }

  /**
   * Runs the search, or takes its matches from the {@link ResultCache} when it ran at the index's current position
   * before; the includes are resolved per page, when a page is read.
   */
  public SearchResults run(SortSpec sort, Set<Include> includes, Set<Include> revIncludes) {
    List<SortKey> order = new ArrayList<>();
    for (SortSpec spec = sort; spec != null; spec = spec.getChain()) {
      order.add(sortKey(spec.getParamName(), spec.getOrder() == SortOrderEnum.DESC));
    }
    key.sort(sort);
    Includes resolver = new Includes(params, includes, revIncludes);
    SearchIndex index = params.index();
    ResultCache cache = key.cacheable() ? ResultCache.of(index) : null;
    String asked = key.toString();
    for (;;) {
      View view = index.view();
      try {
        TypeIndex of = index.type(type);
        SearchResults.Hits hits = cache == null ? null : cache.get(asked, view.at);
        if (hits == null) {
          hits = matches(of, view, order);
          if (cache != null) {
            cache.put(asked, view.at, hits);
          }
        }
        return new SearchResults(params, of, view.at, hits, resolver.isEmpty() ? null : resolver);
      } catch (OrderedVersions.Stale e) {
        // A resource changed twice while we searched: search again at the newer position.
      }
    }
  }

  /**
   * The ordinals that pass every filter: those the postings answer narrow the search to their ordinals without
   * reading any entry; the others test the entries of what is left (every entry when no posting answers).
   */
  private SearchResults.Hits matches(TypeIndex of, View view, List<SortKey> order) {
    BitSet candidates = null;
    List<Predicates.EntryTest> tests = new ArrayList<>();
    for (Predicates.Filter filter : filters) {
      BitSet exact = filter.candidates(view);
      if (exact == null) {
        tests.add(filter.bind(view));
      } else if (candidates == null) {
        candidates = exact;
      } else {
        candidates.and(exact);
      }
    }
    int count = of.entries.count();
    if (candidates != null && tests.isEmpty() && order.isEmpty()) {
      // The postings answered every filter: the matches are the candidates, kept as they are (no walk over them).
      return SearchResults.Hits.inOrder(candidates, count);
    }
    int[] found = new int[Math.min(count, 1024)];
    int n = 0;
    for (int ordinal = candidates == null ? 0 : candidates.nextSetBit(0);
        ordinal >= 0 && ordinal < count;
        ordinal = candidates == null ? ordinal + 1 : candidates.nextSetBit(ordinal + 1)) {
      if (candidates == null || !tests.isEmpty()) {
        Entry entry = view.entry(of, ordinal);
        if (entry == null || entry.deleted() || !all(tests, ordinal, entry)) {
          continue;
        }
      }
      if (n == found.length) {
        found = Arrays.copyOf(found, n * 2);
      }
      found[n++] = ordinal;
    }
    int[] hits = Arrays.copyOf(found, n);
    if (order.isEmpty()) {
      return SearchResults.Hits.inOrder(hits, count);
    }
    return SearchResults.Hits.sorted(sorted(of, view, hits, order));
  }

  private static boolean all(List<Predicates.EntryTest> tests, int ordinal, Entry entry) {
    for (Predicates.EntryTest test : tests) {
      if (!test.test(ordinal, entry)) {
        return false;
      }
    }
    return true;
  }

  /** The hits ordered by the keys, ties in first-stored order; resources without a key last in either direction. */
  private static int[] sorted(TypeIndex of, View view, int[] hits, List<SortKey> order) {
    List<Comparable<Object>[]> keys = new ArrayList<>();
    for (SortKey key : order) {
      @SuppressWarnings("unchecked")
      Comparable<Object>[] values = new Comparable[hits.length];
      SearchIndex.Values source = view.values(of, key.def());
      for (int i = 0; i < hits.length; i++) {
        values[i] = first(key.def(), source.of(hits[i], view.entry(of, hits[i])));
      }
      keys.add(values);
    }
    Integer[] positions = new Integer[hits.length];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = i;
    }
    Comparator<Integer> comparator = null;
    for (int level = 0; level < keys.size(); level++) {
      Comparable<Object>[] values = keys.get(level);
      Comparator<Comparable<Object>> natural = Comparator.naturalOrder();
      Comparator<Comparable<Object>> direction = order.get(level).descending() ? natural.reversed() : natural;
      Comparator<Integer> next = Comparator.comparing(i -> values[i], Comparator.nullsLast(direction));
      comparator = comparator == null ? next : comparator.thenComparing(next);
    }
    Arrays.sort(positions, comparator);
    int[] ordered = new int[hits.length];
    for (int i = 0; i < ordered.length; i++) {
      ordered[i] = hits[positions[i]];
    }
    return ordered;
  }

  private SortKey sortKey(String name, boolean descending) {
    ParamDef def = params.find(type, name).orElseThrow(() -> new InvalidRequestException(
        "_sort: " + type + " has no search parameter '" + name + "'; sortable: " + sortable()));
    if (!isSortable(def)) {
      throw new InvalidRequestException("_sort: " + name + " is a " + def.type().getCode()
          + " parameter, which cannot be sorted on; sortable: " + sortable());
    }
    return new SortKey(def, descending);
  }

  private List<String> sortable() {
    return params.of(type).values().stream().filter(Query::isSortable).map(ParamDef::name).toList();
  }

  private static boolean isSortable(ParamDef declared) {
    ParamDef def = ParamDef.matching(declared);
    return (def instanceof ParamDef.Str string && !string.words()) || def instanceof ParamDef.Token
        || def instanceof ParamDef.Date || def instanceof ParamDef.Uri;
  }

  /** A parameter's first value, as it sorts: folded text, a code, a date's start, a URI. */
  @SuppressWarnings("unchecked")
  private static Comparable<Object> first(ParamDef declared, Object values) {
    ParamDef def = ParamDef.matching(declared);
    Comparable<?> key = null;
    if (def instanceof ParamDef.Str) {
      String[] strings = (String[]) values;
      key = strings.length == 0 ? null : Text.fold(strings[0]);
    } else if (def instanceof ParamDef.Token) {
      for (Tok tok : (Tok[]) values) {
        if (tok.hasCode()) {
          key = tok.code;
          break;
        }
      }
    } else if (def instanceof ParamDef.Date) {
      long[] spans = (long[]) values;
      key = spans.length == 0 ? null : spans[0];
    } else if (def instanceof ParamDef.Uri) {
      String[] uris = (String[]) values;
      key = uris.length == 0 ? null : uris[0];
    }
    return (Comparable<Object>) key;
  }
}
