package org.trialfhir.server.search;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.server.search.SearchIndex.Entry;
import org.trialfhir.server.search.SearchIndex.Hit;
import org.trialfhir.server.search.SearchIndex.TypeIndex;
import org.trialfhir.store.OrderedVersions;
import org.trialfhir.store.TrialStore;

/**
 * The matches of one search, in order, read a page at a time by HAPI (and kept by its paging provider for the
 * {@code next}/{@code previous} links). Each page holds its matches ({@code search.mode = match}) followed by the
 * resources its {@code _include}/{@code _revinclude} bring ({@code search.mode = include}). Only ordinals are kept,
 * compactly ({@link Hits}); a page's resources are fetched from the store when the page is read.
 *
 * <p>Two ways to read a page. HAPI builds a response Bundle from {@link #getResources(int, int,
 * ResponsePage.ResponsePageBuilder)}, which answers {@link EntryStandIns}: a server answering these must register that
 * interceptor, which puts the stored resources into the Bundle before HAPI writes it (unless the response was sent
 * from cached encodings, which need only the stand-ins' versioned ids). Every other reader
 * ({@link #getResources(int, int)}, {@link #getAllResources()}) gets copies of the stored resources, marked with their
 * search mode, which it may change.
 */
public final class SearchResults implements IBundleProvider {

  /**
   * The ordinals of a search's matches in result order: a bit set over the type's ordinals when they are in
   * first-stored order and many (a few kilobytes for any number of matches, for the thousands of searches the paging
   * provider keeps), else an array.
   */
  static final class Hits {
    private final int[] ordinals;
    private final BitSet bits;
    private final int size;

    private Hits(int[] ordinals, BitSet bits, int size) {
      this.ordinals = ordinals;
      this.bits = bits;
      this.size = size;
    }

    /** The ordinals set in {@code bits} (which it may keep: no one must change them after), in ascending order. */
    static Hits inOrder(BitSet bits, int universe) {
      int size = bits.cardinality();
      if ((long) size * 32 > universe) {
        return new Hits(null, bits, size);
      }
      return new Hits(bits.stream().toArray(), null, size);
    }

    /** Ordinals in ascending order out of {@code universe}. */
    static Hits inOrder(int[] ascending, int universe) {
      if ((long) ascending.length * 32 > universe) {
        BitSet bits = new BitSet(universe);
        for (int ordinal : ascending) {
          bits.set(ordinal);
        }
        return new Hits(null, bits, ascending.length);
      }
      return new Hits(ascending, null, ascending.length);
    }

    static Hits sorted(int[] ordinals) {
      return new Hits(ordinals, null, ordinals.length);
    }

    int size() {
      return size;
    }

    /** About the memory these hits hold. */
    long bytes() {
      return ordinals != null ? 16 + 4L * ordinals.length : 16 + bits.size() / 8;
    }

    int[] page(int from, int to) {
      if (ordinals != null) {
        return Arrays.copyOfRange(ordinals, from, to);
      }
      int[] page = new int[to - from];
      int ordinal = bits.nextSetBit(0);
      for (int i = 0; i < from; i++) {
        ordinal = bits.nextSetBit(ordinal + 1);
      }
      for (int i = 0; i < page.length; i++) {
        page[i] = ordinal;
        ordinal = bits.nextSetBit(ordinal + 1);
      }
      return page;
    }
  }

  private final SearchParams params;
  private final TypeIndex type;
  private final long at;
  private final Hits matches;
  private final Includes includes;
  private final String uuid = UUID.randomUUID().toString();
  private final InstantType published = InstantType.now();

  SearchResults(SearchParams params, TypeIndex type, long at, Hits matches, Includes includes) {
    this.params = params;
    this.type = type;
    this.at = at;
    this.matches = matches;
    this.includes = includes;
  }

  /** Copies of the page's resources, marked with their search mode. */
  @Override
  public List<IBaseResource> getResources(int fromIndex, int toIndex) {
    return page(fromIndex, toIndex, (hit, mode) -> markedCopy(stored(hit), mode),
        new ResponsePage.ResponsePageBuilder());
  }

  /** Stand-ins for the page's resources, for HAPI's response Bundle. */
  @Override
  public List<IBaseResource> getResources(int fromIndex, int toIndex, ResponsePage.ResponsePageBuilder page) {
    return page(fromIndex, toIndex, (hit, mode) -> EntryStandIns.standIn(params.fhirContext(), hit.type().type,
        hit.id(), hit.entry().version, mode, () -> stored(hit)), page);
  }

  private List<IBaseResource> page(int fromIndex, int toIndex,
      BiFunction<Hit, BundleEntrySearchModeEnum, Resource> entry, ResponsePage.ResponsePageBuilder page) {
    int from = Math.max(0, Math.min(fromIndex, matches.size()));
    int to = Math.max(from, Math.min(toIndex, matches.size()));
    List<Hit> onPage = new ArrayList<>(to - from);
    for (int ordinal : matches.page(from, to)) {
      Entry found = entry(ordinal);
      if (found != null && !found.deleted()) {
        onPage.add(new Hit(type, ordinal, found));
      }
    }
    List<IBaseResource> resources = new ArrayList<>();
    for (Hit match : onPage) {
      resources.add(entry.apply(match, BundleEntrySearchModeEnum.MATCH));
    }
    List<Hit> included = included(onPage);
    for (Hit include : included) {
      resources.add(entry.apply(include, BundleEntrySearchModeEnum.INCLUDE));
    }
    page.setIncludedResourceCount(included.size());
    return resources;
  }

  /** A match as the search found it; if it has changed twice since (a page read much later), as it is now. */
  private Entry entry(int ordinal) {
    try {
      return type.entries.at(ordinal, at);
    } catch (OrderedVersions.Stale e) {
      return type.entries.latest(ordinal);
    }
  }

  private List<Hit> included(List<Hit> page) {
    if (includes == null || page.isEmpty()) {
      return List.of();
    }
    for (;;) {
      try {
        return includes.of(page, params.index().view());
      } catch (OrderedVersions.Stale e) {
        // A resource changed twice while we looked: look again at the newer position.
      }
    }
  }

  private Resource stored(Hit hit) {
    TrialStore store = params.index().store();
    String version = String.valueOf(hit.entry().version);
    return store.vread(hit.type().type, hit.id(), version).orElseThrow(() -> new IllegalStateException(
        "the store has no " + hit.key() + "/_history/" + version + ", which its index has"));
  }

  private static Resource markedCopy(Resource stored, BundleEntrySearchModeEnum mode) {
    Resource copy = stored.copy();
    ResourceMetadataKeyEnum.ENTRY_SEARCH_MODE.put(copy, mode);
    return copy;
  }

  @Override
  public IPrimitiveType<java.util.Date> getPublished() {
    return published;
  }

  @Override
  public String getUuid() {
    return uuid;
  }

  @Override
  public Integer preferredPageSize() {
    return null;
  }

  @Override
  public Integer size() {
    return matches.size();
  }
}
