package org.trialfhir.server.search;

import ca.uhn.fhir.model.api.ResourceMetadataKeyEnum;
import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The matches of one search, in order, read a page at a time by HAPI (and kept by its paging provider for the
 * {@code next}/{@code previous} links). Each page holds its matches ({@code search.mode = match}) followed by the
 * resources its {@code _include}/{@code _revinclude} bring ({@code search.mode = include}).
 *
 * <p>Two ways to read a page. HAPI builds a response Bundle from {@link #getResources(int, int,
 * ResponsePage.ResponsePageBuilder)}, which answers {@link EntryStandIns}: a server answering these must register that
 * interceptor, which puts the stored resources into the Bundle before it is written. Every other reader
 * ({@link #getResources(int, int)}, {@link #getAllResources()}) gets copies of the stored resources, marked with their
 * search mode, which it may change.
 */
public final class SearchResults implements IBundleProvider {
  private final List<Resource> matches;
  private final Function<List<Resource>, List<Resource>> includes;
  private final String uuid = UUID.randomUUID().toString();
  private final InstantType published = InstantType.now();

  SearchResults(List<Resource> matches, Function<List<Resource>, List<Resource>> includes) {
    this.matches = Collections.unmodifiableList(matches);
    this.includes = includes;
  }

  /** Copies of the page's resources, marked with their search mode. */
  @Override
  public List<IBaseResource> getResources(int fromIndex, int toIndex) {
    return page(fromIndex, toIndex, SearchResults::markedCopy, new ResponsePage.ResponsePageBuilder());
  }

  /** Stand-ins for the page's resources, for HAPI's response Bundle. */
  @Override
  public List<IBaseResource> getResources(int fromIndex, int toIndex, ResponsePage.ResponsePageBuilder page) {
    return page(fromIndex, toIndex, EntryStandIns::standIn, page);
  }

  private List<IBaseResource> page(int fromIndex, int toIndex,
      BiFunction<Resource, BundleEntrySearchModeEnum, Resource> entry, ResponsePage.ResponsePageBuilder page) {
    int from = Math.max(0, Math.min(fromIndex, matches.size()));
    int to = Math.max(from, Math.min(toIndex, matches.size()));
    List<Resource> onPage = matches.subList(from, to);
    List<IBaseResource> resources = new ArrayList<>();
    for (Resource match : onPage) {
      resources.add(entry.apply(match, BundleEntrySearchModeEnum.MATCH));
    }
    List<Resource> included = includes.apply(onPage);
    for (Resource include : included) {
      resources.add(entry.apply(include, BundleEntrySearchModeEnum.INCLUDE));
    }
    page.setIncludedResourceCount(included.size());
    return resources;
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
