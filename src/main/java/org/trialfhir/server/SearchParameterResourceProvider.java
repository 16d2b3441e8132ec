package org.trialfhir.server;

import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateAndListParam;
import ca.uhn.fhir.rest.param.StringAndListParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.UriAndListParam;
import org.hl7.fhir.r4.model.SearchParameter;

/** Serves the definitions of our own search parameters (profiles/): read, vread, {@code $validate}, search. */
public final class SearchParameterResourceProvider extends ReadOnlyResourceProvider<SearchParameter> {

  SearchParameterResourceProvider(ProviderContext context) {
    super(SearchParameter.class, context);
  }

  /** Searches SearchParameters (R4 gives them no title). */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenAndListParam id,
      @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
      @OptionalParam(name = "url") UriAndListParam url,
      @OptionalParam(name = "name") StringAndListParam name,
      @OptionalParam(name = "status") TokenAndListParam status,
      @OptionalParam(name = "version") TokenAndListParam version,
      @OptionalParam(name = "code") TokenAndListParam code,
      @OptionalParam(name = "base") TokenAndListParam base,
      @Sort SortSpec sort) {
    return query()
        .where("_id", id)
        .where("_lastUpdated", lastUpdated)
        .where("url", url)
        .where("name", name)
        .where("status", status)
        .where("version", version)
        .where("code", code)
        .where("base", base)
        .run(sort, null, null);
  }
}
