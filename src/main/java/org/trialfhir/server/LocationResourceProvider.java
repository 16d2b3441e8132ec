package org.trialfhir.server;

import ca.uhn.fhir.model.api.Include;
import ca.uhn.fhir.rest.annotation.IncludeParam;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import java.util.Set;
import org.hl7.fhir.r4.model.Location;

/** Serves trial sites as Locations: read, vread, {@code $validate}, search. */
public final class LocationResourceProvider extends ReadOnlyResourceProvider<Location> {

  LocationResourceProvider(ProviderContext context) {
    super(Location.class, context);
  }

  /** Searches sites by name and address. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenAndListParam id,
      @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
      @OptionalParam(name = "name") StringAndListParam name,
      @OptionalParam(name = "address") StringAndListParam address,
      @OptionalParam(name = "address-city") StringAndListParam addressCity,
      @OptionalParam(name = "address-state") StringAndListParam addressState,
      @OptionalParam(name = "address-country") StringAndListParam addressCountry,
      @Sort SortSpec sort,
      @IncludeParam(reverse = true, allow = {"ResearchStudy:site"}) Set<Include> revIncludes) {
    return query()
        .where("_id", id)
        .where("_lastUpdated", lastUpdated)
        .where("name", name)
        .where("address", address)
        .where("address-city", addressCity)
        .where("address-state", addressState)
        .where("address-country", addressCountry)
        .run(sort, null, revIncludes);
  }
}
