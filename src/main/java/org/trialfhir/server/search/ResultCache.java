package org.trialfhir.server.search;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The matches of recent searches, by the search ({@link SearchKey}) and the feed position they were found at, for the
 * searches asked again and again (a portal's "recruiting studies"): one that matches a third of half a million studies
 * costs milliseconds to find and microseconds to find again. A search reads every value as of one position, so its
 * matches there never change; a write moves the index to a newer position, and the matches found before it are
 * dropped then. The matches are shared by the searches that find them (and by the paging provider that keeps them for
 * their {@code next} links): nothing changes them once found.
 *
 * <p>Bounded: at most {@link #MAX_ENTRIES} searches and about {@link #MAX_BYTES} of matches, least recently used
 * dropped first; matches larger than a quarter of that are not kept.
 */
final class ResultCache {
  static final long MAX_BYTES = 32L << 20;
  static final int MAX_ENTRIES = 512;
  /** One per index: tests start several servers, each with its own index, in one JVM. */
  private static final Map<SearchIndex, ResultCache> BY_INDEX = new WeakHashMap<>();

  private final LinkedHashMap<String, SearchResults.Hits> hits = new LinkedHashMap<>(64, 0.75f, true);
  /** The feed position every kept match is exact at; -1 before the first. */
  private long position = -1;
  private long bytes;

  /** The cache of an index's searches. */
  static ResultCache of(SearchIndex index) {
    synchronized (BY_INDEX) {
      return BY_INDEX.computeIfAbsent(index, i -> new ResultCache());
    }
  }

  /** The matches of the search as of the position, if found there before; null otherwise. */
  synchronized SearchResults.Hits get(String key, long at) {
    if (at > position) {
      // The index has moved on: what was found before is of no use to anyone now.
      clear(at);
      return null;
    }
    return at == position ? hits.get(key) : null;
  }

  /** Keeps a search's matches as of a position (a search at an older position than the newest kept: not kept). */
  synchronized void put(String key, long at, SearchResults.Hits found) {
    if (at < position || found.bytes() > MAX_BYTES / 4) {
      return;
    }
    if (at > position) {
      clear(at);
    }
    SearchResults.Hits replaced = hits.put(key, found);
    bytes += found.bytes() - (replaced == null ? 0 : replaced.bytes());
    Iterator<SearchResults.Hits> eldest = hits.values().iterator();
    while ((bytes > MAX_BYTES || hits.size() > MAX_ENTRIES) && eldest.hasNext()) {
      bytes -= eldest.next().bytes();
      eldest.remove();
    }
  }

  synchronized int size() {
    return hits.size();
  }

  private void clear(long at) {
    hits.clear();
    bytes = 0;
    position = at;
  }
}
