package org.trialfhir.server.search;

import ca.uhn.fhir.context.FhirContext;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.Map;
import org.trialfhir.store.jdbc.JdbcTrialStore;

/** Diagnostic: per type and parameter, how many values the index holds and their string characters. */
public final class IndexFootprint {
  public static void main(String[] args) {
    try (JdbcTrialStore store = JdbcTrialStore.openH2(Path.of(args[0]))) {
      SearchParams params = new SearchParams(FhirContext.forR4Cached(), new Resolver(store));
      params.index().useSnapshot(Path.of(args[1]));
      params.index().catchUp();
      SearchIndex index = params.index();
      Map<Object, Boolean> seen = new IdentityHashMap<>();
      for (String name : params.types()) {
        SearchIndex.TypeIndex type = index.type(name);
        int n = type.entries.count();
        long idChars = 0;
        for (int o = 0; o < n; o++) {
          idChars += type.id(o).length();
        }
        System.out.printf("%s: %d entries, id chars %d%n", name, n, idChars);
        for (int s = 0; s < type.slots.size(); s++) {
          long arrays = 0;
          long items = 0;
          long chars = 0;
          long distinctChars = 0;
          for (int o = 0; o < n; o++) {
            SearchIndex.Entry e = type.entries.latest(o);
            if (e == null || e.deleted()) {
              continue;
            }
            Object v = e.values[s];
            if (v instanceof String[] a) {
              arrays += a.length > 0 ? 1 : 0;
              items += a.length;
              for (String x : a) {
                chars += x.length();
                if (seen.put(x, true) == null) {
                  distinctChars += x.length();
                }
              }
            } else if (v instanceof IndexValues.Tok[] a) {
              arrays += a.length > 0 ? 1 : 0;
              items += a.length;
              for (IndexValues.Tok t : a) {
                if (seen.put(t, true) == null) {
                  distinctChars += len(t.system) + len(t.code) + len(t.text)
                      + (t.foldedText == t.text ? 0 : len(t.foldedText));
                }
              }
            } else if (v instanceof IndexValues.Link[] a) {
              arrays += a.length > 0 ? 1 : 0;
              items += a.length;
              for (IndexValues.Link t : a) {
                if (seen.put(t, true) == null) {
                  distinctChars += len(t.reference) + len(t.type) + len(t.id);
                }
              }
            } else if (v instanceof int[] a) {
              arrays += a.length > 0 ? 1 : 0;
              items += a.length;
            } else if (v instanceof long[] a) {
              arrays += a.length > 0 ? 1 : 0;
              items += a.length;
            }
          }
          System.out.printf("  %-22s non-empty %7d items %8d chars %9d distinct-new chars %9d%n",
              type.slots.get(s).name(), arrays, items, chars, distinctChars);
        }
      }
    }
  }

  private static int len(String s) {
    return s == null ? 0 : s.length();
  }
}
