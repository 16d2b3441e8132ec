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
import org.hl7.fhir.r4.model.ConceptMap;

/** Serves the registry vocabulary maps (mappings/): read, vread, {@code $validate}, search. */
public final class ConceptMapResourceProvider extends ReadOnlyResourceProvider<ConceptMap> {

  ConceptMapResourceProvider(ProviderContext context) {
    super(ConceptMap.class, context);
  }

  /** Searches ConceptMaps. */
  @Search(allowUnknownParams = true)
  public IBundleProvider search(
      @OptionalParam(name = "_id") TokenAndListParam id,
      @OptionalParam(name = "_lastUpdated") DateAndListParam lastUpdated,
      @OptionalParam(name = "url") UriAndListParam url,
      @OptionalParam(name = "name") StringAndListParam name,
      @OptionalParam(name = "title") StringAndListParam title,
      @OptionalParam(name = "status") TokenAndListParam status,
      @OptionalParam(name = "version") TokenAndListParam version,
      @Sort SortSpec sort) {
    return query()
        .where("_id", id)
        .where("_lastUpdated", lastUpdated)
        .where("url", url)
        .where("name", name)
        .where("title", title)
        .where("status", status)
        .where("version", version)
        .run(sort, null, null);
  }
}
