package org.trialfhir.server.search;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.trialfhir.server.search.IndexValues.Link;
import org.trialfhir.server.search.IndexValues.Tok;

/**
 * Runs a search parameter's extractor on a resource (once per stored version) and turns what it gives into the form
 * the {@link SearchIndex} keeps: token → interned {@link Tok}s, reference → interned {@link Link}s, URI → the
 * strings (canonical URLs are mostly one resource's own: interning them cost more than it saved), date → {@code [start, end)} pairs in a {@code long[]}, string → the strings (full text: sorted word
 * numbers), quantity → what its extractor reads.
 */
final class Extractor {
  private static final Logger LOG = LoggerFactory.getLogger(Extractor.class);

  private final IndexValues values;

  Extractor(IndexValues values) {
    this.values = values;
  }

  /** {@code _id} and {@code _lastUpdated}: every entry has its id and time, so neither is stored twice. */
  static boolean fromEntry(ParamDef def) {
    return def.name().equals("_id") || def.name().equals("_lastUpdated");
  }

  Object fromEntry(ParamDef def, String id, long lastUpdated) {
    if (def.name().equals("_id")) {
      return new Tok[] {new Tok(new Coded(null, id, null), -1)};
    }
    return new long[] {lastUpdated, lastUpdated + 1};
  }

  /** The parameter's values for the resource (null: for no resource, which only quantities and tokens accept). */
  Object extract(ParamDef def, Resource resource, String type) {
    try {
      if (def instanceof ParamDef.Token token) {
        return toks(token.values().apply(resource));
      } else if (def instanceof ParamDef.Str string) {
        return string.words()
            ? values.words(string.values().apply(resource))
            : strings(string.values().apply(resource));
      } else if (def instanceof ParamDef.Date date) {
        return spans(date.values().apply(resource));
      } else if (def instanceof ParamDef.Ref ref) {
        return links(ref.references().apply(resource));
      } else if (def instanceof ParamDef.Uri uri) {
        return strings(uri.values().apply(resource));
      } else if (def instanceof ParamDef.Quantity quantity) {
        return quantity.values().apply(resource);
      }
      throw new IllegalArgumentException(def.name() + " is read through a reference, not stored");
    } catch (RuntimeException e) {
      // A resource the extractor cannot read is indexed without this parameter's values, not dropped.
      LOG.warn("search index: {} of {}/{} not read: {}", def.name(), type,
          resource == null ? "-" : resource.getIdElement().getIdPart(), e.toString());
      return empty(def);
    }
  }

  private static Object empty(ParamDef def) {
    if (def instanceof ParamDef.Token) {
      return IndexValues.NO_TOKS;
    } else if (def instanceof ParamDef.Str string) {
      return string.words() ? IndexValues.NO_WORDS : IndexValues.NO_STRINGS;
    } else if (def instanceof ParamDef.Date) {
      return IndexValues.NO_SPANS;
    } else if (def instanceof ParamDef.Ref) {
      return IndexValues.NO_LINKS;
    } else if (def instanceof ParamDef.Uri) {
      return IndexValues.NO_STRINGS;
    }
    return null;
  }

  private Tok[] toks(List<Coded> coded) {
    if (coded.isEmpty()) {
      return IndexValues.NO_TOKS;
    } else if (coded.size() == 1) {
      return values.tok(coded.get(0)).alone;
    }
    Tok[] toks = new Tok[coded.size()];
    for (int i = 0; i < toks.length; i++) {
      toks[i] = values.tok(coded.get(i));
    }
    return toks;
  }

  private static String[] strings(List<String> strings) {
    List<String> present = new ArrayList<>(strings.size());
    for (String value : strings) {
      if (value != null) {
        present.add(value);
      }
    }
    return present.isEmpty() ? IndexValues.NO_STRINGS : present.toArray(String[]::new);
  }

  private static long[] spans(List<DateSpan> spans) {
    long[] pairs = new long[spans.size() * 2];
    int n = 0;
    for (DateSpan span : spans) {
      if (span != null) {
        pairs[n++] = span.start();
        pairs[n++] = span.end();
      }
    }
    return n == 0 ? IndexValues.NO_SPANS : n == pairs.length ? pairs : java.util.Arrays.copyOf(pairs, n);
  }

  private Link[] links(List<String> references) {
    if (references.isEmpty()) {
      return IndexValues.NO_LINKS;
    } else if (references.size() == 1) {
      return values.link(references.get(0)).alone;
    }
    Link[] links = new Link[references.size()];
    for (int i = 0; i < links.length; i++) {
      links[i] = values.link(references.get(i));
    }
    return links;
  }
}
