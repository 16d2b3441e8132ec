package org.trialfhir.server.search;

import ca.uhn.fhir.model.valueset.BundleEntrySearchModeEnum;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.server.method.ResponsePage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Resource;

/**
 * The matches of one search, in order, read a page at a time by HAPI (and kept by its paging provider for the
 * {@code next}/{@code previous} links). Each page holds its matches ({@code search.mode = match}) followed by the
 * resources its {@code _include}/{@code _revinclude} bring ({@code search.mode = include}), as {@link EntryStandIns}:
 * a server answering these must register that interceptor, which puts the stored resources into the Bundle.
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

  @Override
  public List<IBaseResource> getResources(int fromIndex, int toIndex) {
    return getResources(fromIndex, toIndex, new ResponsePage.ResponsePageBuilder());
  }

  @Override
  public List<IBaseResource> getResources(int fromIndex, int toIndex, ResponsePage.ResponsePageBuilder page) {
    int from = Math.max(0, Math.min(fromIndex, matches.size()));
    int to = Math.max(from, Math.min(toIndex, matches.size()));
    List<Resource> onPage = matches.subList(from, to);
    List<IBaseResource> resources = new ArrayList<>();
    for (Resource match : onPage) {
      resources.add(EntryStandIns.standIn(match, BundleEntrySearchModeEnum.MATCH));
    }
    List<Resource> included = includes.apply(onPage);
    for (Resource include : included) {
      resources.add(EntryStandIns.standIn(include, BundleEntrySearchModeEnum.INCLUDE));
    }
    page.setIncludedResourceCount(included.size());
    return resources;
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
